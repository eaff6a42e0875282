import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ImportEncoding, ImportFormat } from './import-job.entity';

export interface ImportFileFacts {
  format: ImportFormat;
  /** How a CSV's bytes are to be decoded; null for .xlsx. */
  encoding: ImportEncoding | null;
  sha256: string;
  size: number;
}

export type ImportFileInspection = ImportFileFacts | { unsupported: string };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);

const UNSUPPORTED_XLS = 'Tệp Excel 97-2003 (.xls) không được hỗ trợ: hãy mở trong Excel và lưu lại dưới dạng .xlsx hoặc CSV.';
const UNSUPPORTED_OTHER = 'Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).';

/**
 * Decides what an upload is from its bytes, not from its name or the browser's content type, and
 * in the same single pass computes its SHA-256 (one import per file and programme) and, for a CSV,
 * its text encoding: a UTF-8 byte-order mark, else valid UTF-8, else Windows-1258 — what "Save as
 * CSV" writes on a Vietnamese Windows, and almost never valid UTF-8 once it holds a diacritic.
 */
export async function inspectImportFile(filePath: string, originalName: string): Promise<ImportFileInspection> {
  const head = await readHead(filePath, 8);
  const extension = path.extname(originalName).toLowerCase();
  let format: ImportFormat;
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) {
    if (extension !== '.xlsx' && extension !== '.xlsm') return { unsupported: UNSUPPORTED_OTHER };
    format = 'xlsx';
  } else if (head.subarray(0, 4).equals(OLE2_MAGIC)) {
    return { unsupported: UNSUPPORTED_XLS };
  } else if (extension === '.csv' || extension === '.txt') {
    format = 'csv';
  } else {
    return { unsupported: UNSUPPORTED_OTHER };
  }

  const hash = createHash('sha256');
  const utf16 = format === 'csv' && head.subarray(0, 2).equals(UTF16LE_BOM);
  // fatal: the first byte sequence that is not UTF-8 throws, and from then on the file is Windows-1258.
  let utf8: TextDecoder | null = format === 'csv' && !utf16 ? new TextDecoder('utf-8', { fatal: true }) : null;
  let binary = false;
  let size = 0;
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (format !== 'csv' || utf16) continue;
    if (!binary && chunk.includes(0)) binary = true;
    if (utf8) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        utf8 = null;
      }
    }
  }
  if (utf8) {
    try {
      utf8.decode();
    } catch {
      utf8 = null;
    }
  }
  if (binary) return { unsupported: UNSUPPORTED_OTHER };
  let encoding: ImportEncoding | null = null;
  if (format === 'csv') encoding = utf16 ? 'utf-16le' : head.subarray(0, 3).equals(UTF8_BOM) ? 'utf-8-bom' : utf8 ? 'utf-8' : 'windows-1258';
  return { format, encoding, sha256: hash.digest('hex'), size };
}

async function readHead(filePath: string, length: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
