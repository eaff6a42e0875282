import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { inspectImportFile, type ImportFileFacts } from './import-file';
import { cellText } from './row-parser';
import { csvRowSource, xlsxRowSource, type SourceRow } from './row-sources';

const NAMES = ['Nguyễn Thị Đào', 'Trần Văn Hùng', 'Phạm Ngọc Lộc', 'Đặng Thị Huệ', 'Võ Quang Thắng'];
const HEADER = 'Họ và tên,Số CCCD,Ngày sinh,Giới tính (Nam/Nữ)';

/**
 * What "Save as CSV" writes on a Vietnamese Windows: code page 1258 has the base letters â ê ô ă ơ ư
 * đ but puts tone marks as separate combining characters after them.
 */
function toWindows1258(text: string): Buffer {
  const tones = /[\u0300\u0301\u0303\u0309\u0323]/g;
  const decomposed = [...text.normalize('NFC')]
    .map((character) => {
      const parts = character.normalize('NFD');
      return parts.replace(tones, '').normalize('NFC') + (parts.match(tones) ?? []).join('');
    })
    .join('');
  const bytes = iconv.encode(decomposed, 'windows1258');
  if (iconv.decode(bytes, 'windows1258') !== decomposed) throw new Error('test data not representable in Windows-1258');
  return bytes;
}

async function collect(rows: AsyncIterable<SourceRow>): Promise<SourceRow[]> {
  const all: SourceRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('uploaded files', () => {
  let dir: string;
  const file = (name: string, content: Buffer | string) => {
    const filePath = path.join(dir, name);
    writeFileSync(filePath, content);
    return filePath;
  };
  const csvText = NAMES.map((name, index) => `${name},04214800123${index},15/03/1948,Nữ`).join('\r\n');

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ansinh-import-spec-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('encoding detection', () => {
    it.each<[string, Buffer, ImportFileFacts['encoding']]>([
      ['UTF-8 with a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\r\n${csvText}`)]), 'utf-8-bom'],
      ['UTF-8 without one', Buffer.from(`${HEADER}\n${csvText}`), 'utf-8'],
      ['Windows-1258', toWindows1258(`${HEADER}\r\n${csvText}`), 'windows-1258'],
      ['UTF-16LE (Excel "Unicode Text")', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(`${HEADER.replace(/,/g, '\t')}\r\n${csvText.replace(/,/g, '\t')}`, 'utf-16le')]), 'utf-16le'],
    ])('reads %s and yields composed (NFC) text', async (_label, bytes, encoding) => {
      const filePath = file(`list-${encoding}.csv`, bytes);
      const facts = (await inspectImportFile(filePath, 'danh sách.csv')) as ImportFileFacts;
      expect(facts).toMatchObject({ format: 'csv', encoding, size: bytes.length });
      expect(facts.sha256).toMatch(/^[0-9a-f]{64}$/);
      const rows = await collect(csvRowSource(filePath, facts.encoding!).rows());
      expect(rows.map((row) => row.rowNumber)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(rows[0].cells.map((cell) => cellText(cell))).toEqual(['Họ và tên', 'Số CCCD', 'Ngày sinh', 'Giới tính (Nam/Nữ)']);
      expect(rows.slice(1).map((row) => cellText(row.cells[0]))).toEqual(NAMES);
      expect(rows[1].cells[3] && cellText(rows[1].cells[3])).toBe('Nữ');
    });

    it('is not fooled by a character split across two read chunks', async () => {
      const prefix = 'a'.repeat((1 << 20) - 1);
      const filePath = file('split.csv', Buffer.from(`${prefix}ễ\n`));
      expect(await inspectImportFile(filePath, 'split.csv')).toMatchObject({ encoding: 'utf-8' });
    });

    it('finds the delimiter Excel used (";" where that is the list separator) and keeps blank lines in the numbering', async () => {
      const filePath = file('semicolons.csv', `DANH SÁCH\n\n${HEADER.replace(/,/g, ';')}\n"Nguyễn Thị Đào";042148001234;15/03/1948;Nữ\n`);
      const rows = await collect(csvRowSource(filePath, 'utf-8').rows());
      expect(rows.map((row) => [row.rowNumber, row.cells.length])).toEqual([
        [1, 1],
        [2, 1],
        [3, 4],
        [4, 4],
      ]);
    });
  });

  describe('file types', () => {
    it.each([
      ['an old .xls workbook', 'list.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /\.xls/],
      ['a PDF', 'list.pdf', Buffer.from('%PDF-1.7\n'), /\.xlsx/],
      ['a binary file named .csv', 'list.csv', Buffer.from([0x41, 0x00, 0x42, 0x00, 0x0a]), /\.xlsx/],
      ['a zip that is not a workbook', 'list.zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), /\.xlsx/],
    ])('refuses %s with a reason', async (_label, name, bytes, reason) => {
      const inspection = await inspectImportFile(file(name, bytes), name);
      expect(inspection).toEqual({ unsupported: expect.stringMatching(reason) });
    });
  });

  describe('.xlsx', () => {
    it('keeps Excel’s cell types: numbers, dates, rich text and formula results', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Danh sách');
      sheet.addRow(['Họ và tên', 'Số CCCD', 'Ngày sinh', 'Giới tính (Nam/Nữ)', 'Số tài khoản']);
      sheet.addRow([{ richText: [{ text: 'Nguyễn ' }, { text: 'Thị Đào', font: { bold: true } }] }, 42148001234, new Date(Date.UTC(1948, 2, 15)), 'Nữ', 1.0123456789e14]);
      sheet.getCell('C2').numFmt = 'dd/mm/yyyy';
      sheet.addRow([{ formula: 'UPPER("trần văn hùng")', result: 'TRẦN VĂN HÙNG' }, '042050123456', '01/07/1950', 'Nam', '0071000123456']);
      workbook.addWorksheet('Ghi chú').addRow(['not read']);
      const filePath = path.join(dir, 'cells.xlsx');
      await workbook.xlsx.writeFile(filePath);

      expect(await inspectImportFile(filePath, 'Danh sách.xlsx')).toMatchObject({ format: 'xlsx', encoding: null });
      const source = xlsxRowSource(filePath);
      const rows = await collect(source.rows());
      expect(rows.filter((row) => row.sheet === 0).map((row) => row.cells)).toEqual([
        ['Họ và tên', 'Số CCCD', 'Ngày sinh', 'Giới tính (Nam/Nữ)', 'Số tài khoản'],
        ['Nguyễn Thị Đào', 42148001234, new Date(Date.UTC(1948, 2, 15)), 'Nữ', 1.0123456789e14],
        ['TRẦN VĂN HÙNG', '042050123456', '01/07/1950', 'Nam', '0071000123456'],
      ]);
      expect(source.bytesRead()).toBeGreaterThan(0);
    });

    it.each([
      ['inline strings (streaming writers)', false],
      ['shared strings (what Excel writes)', true],
    ])('never splits a Vietnamese character across read chunks: %s', async (_label, useSharedStrings) => {
      const names = Array.from({ length: 20_000 }, (_, index) => `${NAMES[index % NAMES.length]} ${index} Nguyễn Thị Ánh Tuyết Đặng Hữu Phước`);
      const filePath = path.join(dir, `many-${useSharedStrings}.xlsx`);
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: filePath, useSharedStrings });
      const sheet = workbook.addWorksheet('Danh sách');
      for (const name of names) sheet.addRow([name, 'Nữ']).commit();
      await workbook.commit();
      const rows = await collect(xlsxRowSource(filePath).rows());
      expect(rows.filter((row) => String(row.cells[0]).includes('\uFFFD') || row.cells[1] !== 'Nữ')).toEqual([]);
      expect(rows.map((row) => row.cells[0])).toEqual(names);
    });
  });
});
