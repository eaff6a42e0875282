import { PassThrough, pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';

export interface ReportLine {
  rowNumber: number;
  column: string | null;
  code: string;
  message: string;
}

const PAGE = 5_000;
const HEADERS = { rowNumber: 'Dòng', column: 'Cột', code: 'Mã lỗi', message: 'Lý do' } as const;

/** The issues of a job in row order, a page at a time (keyset on row, id): a report of any size streams. */
export async function* reportLines(dataSource: DataSource, jobId: string): AsyncGenerator<ReportLine> {
  let after: [number, string] = [0, '0'];
  for (;;) {
    const page: Array<{ id: string; row_number: number; column_name: string | null; code: string; message: string }> = await dataSource.query(
      `SELECT id, row_number, column_name, code, message FROM beneficiary.import_row_issue
        WHERE job_id = $1 AND (row_number, id) > ($2, $3::bigint)
        ORDER BY row_number, id LIMIT ${PAGE}`,
      [jobId, after[0], after[1]],
    );
    for (const line of page) yield { rowNumber: line.row_number, column: line.column_name, code: line.code, message: line.message };
    if (page.length < PAGE) return;
    const last = page[page.length - 1];
    after = [last.row_number, last.id];
  }
}

/** UTF-8 with a byte-order mark and CRLF lines: Excel on Windows then shows the Vietnamese as written. */
export function reportCsvStream(lines: AsyncIterable<ReportLine>, onError: (error: Error) => void): Readable {
  return pipeline(
    Readable.from(lines),
    stringify({
      bom: true,
      header: true,
      record_delimiter: 'windows',
      columns: [
        { key: 'rowNumber', header: HEADERS.rowNumber },
        { key: 'column', header: HEADERS.column },
        { key: 'code', header: HEADERS.code },
        { key: 'message', header: HEADERS.message },
      ],
    }),
    (error) => {
      if (error) onError(error);
    },
  );
}

/** The same report as a streamed workbook (exceljs WorkbookWriter): rows are committed as they come. */
export function reportXlsxStream(lines: AsyncIterable<ReportLine>, onError: (error: Error) => void): Readable {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Báo cáo lỗi', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: HEADERS.rowNumber, key: 'rowNumber', width: 8 },
    { header: HEADERS.column, key: 'column', width: 20 },
    { header: HEADERS.code, key: 'code', width: 34 },
    { header: HEADERS.message, key: 'message', width: 100 },
  ];
  sheet.getRow(1).font = { bold: true };
  void (async () => {
    for await (const line of lines) sheet.addRow(line).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((error: Error) => {
    onError(error);
    output.destroy(error);
  });
  return output;
}
