import { DomainError, Public } from '@app/platform';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DASHBOARD_DIRECTORY = path.join(__dirname, 'dashboard');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const FILES = new Map(
  ['index.html', 'dashboard.js', 'charts.js', 'dashboard.css'].map((file) => [file, { body: readFileSync(path.join(DASHBOARD_DIRECTORY, file)), type: TYPES[path.extname(file)] }]),
);

/**
 * The coverage dashboard's static page. The page itself holds no data: it asks the API with the
 * bearer token the person enters, so the page is public and the figures are not.
 */
@ApiExcludeController()
@Controller('bao-cao')
export class DashboardController {
  @Get()
  @Public()
  @Header('cache-control', 'no-cache')
  page(@Res() response: Response): void {
    this.send(response, 'index.html');
  }

  @Get(':file')
  @Public()
  @Header('cache-control', 'no-cache')
  asset(@Param('file') file: string, @Res() response: Response): void {
    this.send(response, file);
  }

  private send(response: Response, file: string): void {
    const asset = FILES.get(file);
    if (!asset) throw new DomainError('REPORTING.PAGE_NOT_FOUND', 'Không tìm thấy trang.', 'not_found');
    response.type(asset.type).send(asset.body);
  }
}
