import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CreateImportDto, type UploadedImportFile } from './dto/create-import.dto';
import { ImportJobViewDto } from './dto/import-job-view.dto';
import { ImportsService } from './imports.service';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** 201 with a new job, 200 with the existing one when the same file was already uploaded for the programme. */
  @Post()
  @Roles('officer')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'programmeCode'],
      properties: { file: { type: 'string', format: 'binary', description: '.xlsx or .csv' }, programmeCode: { type: 'string', example: 'TC_XH' } },
    },
  })
  @ApiOkResponse({ type: ImportJobViewDto, description: 'The file had already been uploaded for this programme' })
  async upload(
    @UploadedFile() file: UploadedImportFile | undefined,
    @Body() input: CreateImportDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ImportJobViewDto> {
    const { job, created } = await this.imports.upload(file, input, principal);
    response.status(created ? 201 : 200);
    return job;
  }

  @Get()
  @Roles('officer', 'supervisor', 'auditor')
  list(@CurrentPrincipal() principal: Principal): Promise<ImportJobViewDto[]> {
    return this.imports.list(principal);
  }

  @Get('template.xlsx')
  @Roles('officer', 'supervisor')
  @ApiProduces(XLSX_TYPE)
  template(@CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    return this.imports.template(principal);
  }

  @Get(':id')
  @Roles('officer', 'supervisor', 'auditor')
  get(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal): Promise<ImportJobViewDto> {
    return this.imports.get(id, principal);
  }

  @Get(':id/report.csv')
  @Roles('officer', 'supervisor', 'auditor')
  @ApiProduces('text/csv')
  reportCsv(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    return this.imports.reportCsv(id, principal);
  }

  @Get(':id/report.xlsx')
  @Roles('officer', 'supervisor', 'auditor')
  @ApiProduces(XLSX_TYPE)
  reportXlsx(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    return this.imports.reportXlsx(id, principal);
  }
}
