import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { ImportEncoding } from './import-job.entity';
import type { CellValue } from './row-parser';

export interface SourceRow {
  /** Which worksheet (0 for a CSV): only the first sheet that has a header row is imported. */
  sheet: number;
  /** The row number the officer sees in Excel, header included. */
  rowNumber: number;
  cells: CellValue[];
}

export interface RowSource {
  rows(): AsyncGenerator<SourceRow>;
  /** Bytes of the stored file consumed so far: the progress measure, known without counting rows first. */
  bytesRead(): number;
}

/** Counts the bytes that pass, so progress is known while the file is streamed. */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** The iconv-lite name of each encoding a CSV may arrive in; UTF-8 goes to the parser as bytes. */
const ICONV_NAME: Partial<Record<ImportEncoding, string>> = { 'windows-1258': 'windows1258', 'utf-16le': 'utf-16le' };

// An unclosed quote would otherwise swallow the rest of the file into one field.
const MAX_CSV_RECORD_BYTES = 64 * 1024;

/**
 * A CSV, streamed with back-pressure: file → byte counter → (decoder) → csv-parse. Record n is row n,
 * as Excel shows the file; blank lines stay in the numbering. The delimiter is sniffed from the first
 * lines, because Excel writes ';' where the list separator is ';'.
 */
export function csvRowSource(filePath: string, encoding: ImportEncoding): RowSource {
  const counter = new ByteCounter();
  return {
    bytesRead: () => counter.bytes,
    async *rows() {
      const delimiter = await sniffDelimiter(filePath, encoding);
      const parser = parse({
        delimiter,
        bom: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: false,
        max_record_size: MAX_CSV_RECORD_BYTES,
      });
      const iconvName = ICONV_NAME[encoding];
      const file = createReadStream(filePath, { highWaterMark: 256 * 1024 });
      const stages: Array<NodeJS.ReadableStream | NodeJS.ReadWriteStream> = [file, counter];
      if (iconvName) stages.push(iconv.decodeStream(iconvName));
      // Errors of any stage reach the parser, and so the loop below.
      pipeline([...stages, parser] as unknown as [Readable, ...Transform[]], (error) => {
        if (error) parser.destroy(error);
      });
      let rowNumber = 0;
      try {
        for await (const record of parser as AsyncIterable<string[]>) {
          rowNumber += 1;
          yield { sheet: 0, rowNumber, cells: record };
        }
      } finally {
        file.destroy();
      }
    },
  };
}

async function sniffDelimiter(filePath: string, encoding: ImportEncoding): Promise<string> {
  const handle = await open(filePath, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const iconvName = ICONV_NAME[encoding];
  const text = iconvName ? iconv.decode(head, iconvName) : head.toString('utf8');
  const lines = text.split(/\r?\n/).slice(0, 20);
  const count = (delimiter: string) => lines.reduce((sum, line) => sum + line.split(delimiter).length - 1, 0);
  return [',', ';', '\t'].reduce((best, candidate) => (count(candidate) > count(best) ? candidate : best), ',');
}

/**
 * An .xlsx, streamed by exceljs' WorkbookReader: rows are parsed as they are unzipped and dropped,
 * never the whole sheet. Styles are read because that is how Excel marks a number as a date. Shared
 * strings are cached, as the format requires (cells refer to them by index); a worksheet stored
 * before them in the zip is spooled to a temporary file by exceljs, not kept in memory.
 */
export function xlsxRowSource(filePath: string): RowSource {
  const counter = new ByteCounter();
  return {
    bytesRead: () => counter.bytes,
    async *rows() {
      const file = createReadStream(filePath, { highWaterMark: 256 * 1024 });
      pipeline(file, counter, (error) => {
        if (error) counter.destroy(error);
      });
      const workbook = utf8SafeWorkbookReader(counter, {
        worksheets: 'emit',
        sharedStrings: 'cache',
        styles: 'cache',
        hyperlinks: 'ignore',
        entries: 'ignore',
      });
      let sheet = 0;
      try {
        for await (const worksheet of workbook) {
          for await (const row of worksheet) {
            yield { sheet, rowNumber: row.number, cells: toCells(row.values) };
          }
          sheet += 1;
        }
      } finally {
        file.destroy();
      }
    },
  };
}

interface WorkbookReaderInternals {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
}

/**
 * exceljs 4.4.0's streaming reader decodes every inflated chunk to text on its own, so a character
 * whose UTF-8 bytes straddle two chunks becomes "\uFFFD\uFFFD" (exceljs issues #2084, #2316; the
 * fixes are unmerged). With Vietnamese text that is about one cell in a few thousand, silently: a
 * name would be stored corrupted. The worksheet and shared-string streams are therefore decoded
 * here, with a decoder that carries a split character over to the next chunk.
 */
function utf8SafeWorkbookReader(input: Readable, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>): ExcelJS.stream.xlsx.WorkbookReader {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, options);
  const internals = reader as unknown as WorkbookReaderInternals;
  const parseWorksheet = internals._parseWorksheet.bind(reader);
  internals._parseWorksheet = (iterator, sheetNo) => parseWorksheet(decodeUtf8(iterator), sheetNo);
  const parseSharedStrings = internals._parseSharedStrings.bind(reader);
  internals._parseSharedStrings = (entry) => {
    entry.setEncoding('utf8');
    return parseSharedStrings(entry);
  };
  return reader;
}

async function* decodeUtf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** exceljs' 1-based, sparse `row.values` → 0-based plain cells. */
function toCells(values: ExcelJS.Row['values']): CellValue[] {
  if (!Array.isArray(values)) return [];
  const cells: CellValue[] = new Array(Math.max(values.length - 1, 0)).fill(null);
  for (let index = 1; index < values.length; index += 1) cells[index - 1] = toCellValue(values[index]);
  return cells;
}

/** Rich text, formulas, hyperlinks and error cells reduced to what the officer sees in the cell. */
export function toCellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as { richText?: Array<{ text: string }>; result?: unknown; formula?: string; sharedFormula?: string; error?: string; text?: unknown };
    if (Array.isArray(object.richText)) return object.richText.map((part) => part.text).join('');
    if ('formula' in object || 'sharedFormula' in object) return toCellValue(object.result);
    if (typeof object.error === 'string') return object.error;
    if (object.text !== undefined) return toCellValue(object.text);
  }
  return String(value);
}
