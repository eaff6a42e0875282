import { AuditTrailService, Roles } from '@app/platform';
import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditTrailService) {}

  /** Recomputes the whole hash chain: reports the first edited, removed or forged entry, if any. */
  @Get('verify')
  @Roles('auditor', 'admin')
  verify() {
    return this.audit.verify();
  }
}
