import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ContactPreferencesService } from './contact-preferences.service';
import { ContactPreferencesViewDto } from './dto/contact-preferences-view.dto';
import { RecordContactPreferencesDto } from './dto/record-contact-preferences.dto';

@ApiTags('recipients')
@ApiBearerAuth()
@Controller('recipients/:beneficiaryId/contact-preferences')
export class ContactPreferencesController {
  constructor(private readonly preferences: ContactPreferencesService) {}

  /** Replaces the recorded preference; notices still waiting for a way to reach the person then go out. */
  @Put()
  @Roles('officer')
  record(
    @Param('beneficiaryId', new ParseUUIDPipe()) beneficiaryId: string,
    @Body() input: RecordContactPreferencesDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ContactPreferencesViewDto> {
    return this.preferences.record(beneficiaryId, input, principal);
  }

  @Get()
  @Roles('officer', 'supervisor', 'auditor')
  read(@Param('beneficiaryId', new ParseUUIDPipe()) beneficiaryId: string, @CurrentPrincipal() principal: Principal): Promise<ContactPreferencesViewDto> {
    return this.preferences.read(beneficiaryId, principal);
  }
}
