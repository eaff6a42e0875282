import type { Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { CASH_REASONS } from './coverage-figures';
import { type CoverageExportRow, CoverageService } from './coverage.service';
import type { CoverageQueryDto } from './dto/coverage-query.dto';

type Column = { header: string; width: number; value: (row: CoverageExportRow) => string | number | null; kind?: 'percent' | 'dong' };

const COLUMNS: Column[] = [
  { header: 'Kỳ', width: 9, value: (row) => row.period },
  { header: 'Chương trình', width: 12, value: (row) => row.programmeCode },
  { header: 'Mã tỉnh', width: 8, value: (row) => row.provinceCode },
  { header: 'Tỉnh, thành phố', width: 22, value: (row) => row.provinceName },
  { header: 'Mã huyện cũ', width: 11, value: (row) => row.legacyDistrictCode },
  { header: 'Mã xã', width: 8, value: (row) => row.communeCode },
  { header: 'Xã, phường', width: 24, value: (row) => row.communeName },
  { header: 'Người hưởng', width: 12, value: (row) => row.beneficiaries },
  { header: 'Đã chi trả', width: 11, value: (row) => row.paid },
  { header: 'Chi qua tài khoản', width: 16, value: (row) => row.paidCashless },
  { header: 'Tỷ lệ theo số người (%)', width: 14, value: (row) => row.coverageByCount, kind: 'percent' },
  { header: 'Số tiền đã chi (đồng)', width: 18, value: (row) => row.amountPaidDong, kind: 'dong' },
  { header: 'Số tiền qua tài khoản (đồng)', width: 18, value: (row) => row.amountCashlessDong, kind: 'dong' },
  { header: 'Tỷ lệ theo số tiền (%)', width: 14, value: (row) => row.coverageByAmount, kind: 'percent' },
  { header: 'Có tài khoản đã xác minh', width: 14, value: (row) => row.accountReady },
  { header: 'Tỷ lệ sẵn sàng (%)', width: 12, value: (row) => row.readiness, kind: 'percent' },
  { header: 'Chưa chi trả xong', width: 12, value: (row) => row.notYetPaid },
  ...CASH_REASONS.map((reason): Column => ({ header: `Tiền mặt: ${reason.label}`, width: 16, value: (row) => row.reasons.find((r) => r.code === reason.code)?.count ?? 0 })),
];

/** The same figures as the API, one row per commune (and legacy district) and programme. */
@Injectable()
export class CoverageExportService {
  constructor(private readonly coverage: CoverageService) {}

  /** UTF-8 with a BOM so Excel shows the diacritics; đồng as whole numbers, percentages with a dot. */
  async csv(query: CoverageQueryDto, principal: Principal): Promise<Buffer> {
    const rows = await this.coverage.exportRows(query, principal);
    const text = stringify(rows.map((row) => COLUMNS.map((column) => column.value(row) ?? '')), { header: true, columns: COLUMNS.map((column) => column.header) });
    return Buffer.concat([Buffer.from('\ufeff'), Buffer.from(text)]);
  }

  async xlsx(query: CoverageQueryDto, principal: Principal): Promise<Buffer> {
    const rows = await this.coverage.exportRows(query, principal);
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'AnSinh';
    const sheet = workbook.addWorksheet(`Bao phu ${query.period}`, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = COLUMNS.map((column) => ({ header: column.header, width: column.width }));
    sheet.getRow(1).font = { bold: true };
    for (const row of rows) {
      sheet.addRow(
        COLUMNS.map((column) => {
          const value = column.value(row);
          // đồng as a number cell: a province's month stays far below 2^53, Excel sums it
          return column.kind === 'dong' && value !== null ? Number(value) : value;
        }),
      );
    }
    COLUMNS.forEach((column, index) => {
      if (column.kind === 'dong') sheet.getColumn(index + 1).numFmt = '#,##0';
      if (column.kind === 'percent') sheet.getColumn(index + 1).numFmt = '0.00';
    });
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
}
