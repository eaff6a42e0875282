import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BankFilesService, type Pain002Summary } from './bank-files.service';

@ApiTags('bank-files')
@ApiBearerAuth()
@Controller()
export class BankFilesController {
  constructor(private readonly files: BankFilesService) {}

  /** The approved batch as ISO 20022 pain.001.001.09, for institutions that work with files. */
  @Get('batches/:id/pain001.xml')
  @Roles('officer', 'supervisor', 'auditor', 'bank')
  @ApiProduces('application/xml')
  async pain001(@Param('id', new ParseUUIDPipe()) batchId: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<string> {
    const file = await this.files.pain001(batchId, principal);
    response.setHeader('content-type', 'application/xml; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    return file.xml;
  }

  /** The institution's pain.002 status report (Content-Type application/xml), applied line by line. */
  @Post('bank-files/pain002')
  @HttpCode(200)
  @Roles('bank')
  @ApiConsumes('application/xml')
  applyPain002(@Body() xml: unknown, @CurrentPrincipal() principal: Principal): Promise<Pain002Summary> {
    return this.files.applyPain002(xml, principal);
  }
}
