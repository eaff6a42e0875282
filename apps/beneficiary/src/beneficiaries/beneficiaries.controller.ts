import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BeneficiariesService } from './beneficiaries.service';
import { BeneficiaryPageDto, BeneficiaryViewDto, RegisteredBeneficiaryDto } from './dto/beneficiary-view.dto';
import { ChangeStatusDto } from './dto/change-status.dto';
import { SearchBeneficiariesDto } from './dto/search-beneficiaries.dto';
import { RegisterBeneficiaryDto } from './dto/register-beneficiary.dto';

@ApiTags('beneficiaries')
@ApiBearerAuth()
@Controller('beneficiaries')
export class BeneficiariesController {
  constructor(private readonly beneficiaries: BeneficiariesService) {}

  @Post()
  @HttpCode(201)
  @Roles('officer')
  register(@Body() input: RegisterBeneficiaryDto, @CurrentPrincipal() principal: Principal): Promise<RegisteredBeneficiaryDto> {
    return this.beneficiaries.register(input, principal);
  }

  @Get()
  @Roles('officer', 'supervisor', 'auditor')
  search(@Query() query: SearchBeneficiariesDto, @CurrentPrincipal() principal: Principal): Promise<BeneficiaryPageDto> {
    return this.beneficiaries.search(query, principal);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  changeStatus(
    @Param('id', new ParseUUIDPipe({ version: '7' })) id: string,
    @Body() input: ChangeStatusDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BeneficiaryViewDto> {
    return this.beneficiaries.changeStatus(id, input, principal);
  }

  @Get(':id')
  @Roles('officer', 'supervisor', 'auditor')
  get(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal): Promise<BeneficiaryViewDto> {
    return this.beneficiaries.get(id, principal);
  }
}
