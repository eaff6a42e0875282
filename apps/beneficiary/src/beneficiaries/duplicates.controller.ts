import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DuplicatesService } from './duplicates.service';
import { ResolveDuplicateDto } from './dto/resolve-duplicate.dto';

@ApiTags('duplicates')
@ApiBearerAuth()
@Controller('duplicate-candidates')
export class DuplicatesController {
  constructor(private readonly duplicates: DuplicatesService) {}

  @Get()
  @Roles('officer', 'supervisor', 'auditor')
  listOpen(@CurrentPrincipal() principal: Principal) {
    return this.duplicates.listOpen(principal);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('officer', 'supervisor')
  resolve(@Param('id', ParseIntPipe) id: number, @Body() input: ResolveDuplicateDto, @CurrentPrincipal() principal: Principal) {
    return this.duplicates.resolve(id, input, principal);
  }
}
