import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, Header, HttpCode, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CoverageExportService } from './coverage-export.service';
import { CoverageService } from './coverage.service';
import { CoverageQueryDto, CoverageTrendQueryDto, NotCashlessQueryDto, RefreshCoverageDto } from './dto/coverage-query.dto';

@ApiTags('reporting')
@ApiBearerAuth()
@Controller('reporting/coverage')
@Roles('officer', 'supervisor', 'auditor', 'admin')
export class CoverageController {
  constructor(
    private readonly coverage: CoverageService,
    private readonly exports: CoverageExportService,
  ) {}

  /** Coverage of one month in the caller's area, by count and by amount, readiness and reasons for cash, per sub-area. */
  @Get()
  report(@Query() query: CoverageQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.coverage.coverage(query, principal);
  }

  @Get('trend')
  trend(@Query() query: CoverageTrendQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.coverage.trend(query, principal);
  }

  @Get('not-cashless')
  notCashless(@Query() query: NotCashlessQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.coverage.notCashless(query, principal);
  }

  @Get('export.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="bao-phu-khong-dung-tien-mat.csv"')
  async csv(@Query() query: CoverageQueryDto, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    return new StreamableFile(await this.exports.csv(query, principal));
  }

  @Get('export.xlsx')
  @Header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @Header('content-disposition', 'attachment; filename="bao-phu-khong-dung-tien-mat.xlsx"')
  async xlsx(@Query() query: CoverageQueryDto, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    return new StreamableFile(await this.exports.xlsx(query, principal));
  }

  /** Recomputes a month's summary now (closing a cycle does it for that cycle's province). */
  @Post('refresh')
  @HttpCode(200)
  @Roles('officer', 'supervisor', 'admin')
  refresh(@Body() input: RefreshCoverageDto, @CurrentPrincipal() principal: Principal) {
    return this.coverage.refresh(input, principal);
  }
}
