import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BeneficiariesService } from './beneficiaries.service';
import { BeneficiaryViewDto } from './dto/beneficiary-view.dto';
import { RegisterBeneficiaryDto } from './dto/register-beneficiary.dto';

@ApiTags('beneficiaries')
@ApiBearerAuth()
@Controller('beneficiaries')
export class BeneficiariesController {
  constructor(private readonly beneficiaries: BeneficiariesService) {}

  @Post()
  @HttpCode(201)
  @Roles('officer')
  register(@Body() input: RegisterBeneficiaryDto, @CurrentPrincipal() principal: Principal): Promise<BeneficiaryViewDto> {
    return this.beneficiaries.register(input, principal);
  }

  @Get(':id')
  @Roles('officer', 'supervisor', 'auditor')
  get(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal): Promise<BeneficiaryViewDto> {
    return this.beneficiaries.get(id, principal);
  }
}
