import { foldVietnamese } from '@app/contracts';

/** The fields an officer's list can carry, in the template's column order. */
export const IMPORT_FIELDS = [
  'fullName',
  'cccd',
  'dateOfBirth',
  'gender',
  'phone',
  'provinceCode',
  'communeCode',
  'legacyDistrictCode',
  'householdCode',
  'programmeCode',
  'categoryCode',
  'accountNumber',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export interface ImportColumn {
  field: ImportField;
  /** The header as the template writes it and as the report names the column. */
  label: string;
  required: boolean;
  /** Other headers seen in departments' own lists, compared after folding (case, diacritics, punctuation). */
  aliases: string[];
  /** Template column width, in characters. */
  width: number;
}

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { field: 'fullName', label: 'Họ và tên', required: true, aliases: ['Họ tên', 'Họ và tên đối tượng'], width: 28 },
  { field: 'cccd', label: 'Số CCCD', required: true, aliases: ['CCCD', 'Số căn cước', 'Số căn cước công dân', 'Số định danh cá nhân', 'Số định danh'], width: 16 },
  { field: 'dateOfBirth', label: 'Ngày sinh', required: true, aliases: ['Ngày tháng năm sinh'], width: 12 },
  { field: 'gender', label: 'Giới tính (Nam/Nữ)', required: true, aliases: ['Giới tính'], width: 10 },
  { field: 'phone', label: 'Số điện thoại', required: false, aliases: ['Điện thoại', 'SĐT'], width: 14 },
  { field: 'provinceCode', label: 'Mã tỉnh', required: true, aliases: ['Mã tỉnh/thành phố'], width: 8 },
  { field: 'communeCode', label: 'Mã xã', required: true, aliases: ['Mã xã/phường', 'Mã xã, phường'], width: 9 },
  { field: 'legacyDistrictCode', label: 'Mã huyện cũ', required: false, aliases: ['Mã huyện', 'Mã huyện (cũ)'], width: 11 },
  { field: 'householdCode', label: 'Mã hộ', required: false, aliases: ['Mã hộ gia đình'], width: 16 },
  { field: 'programmeCode', label: 'Mã chương trình', required: false, aliases: [], width: 14 },
  { field: 'categoryCode', label: 'Mã nhóm đối tượng', required: true, aliases: ['Mã đối tượng'], width: 16 },
  // Not stored here (accounts are linked and verified separately): only read to catch the Excel trap.
  { field: 'accountNumber', label: 'Số tài khoản', required: false, aliases: ['STK', 'Số tài khoản ngân hàng'], width: 20 },
];

export const COLUMN_OF: Readonly<Record<ImportField, ImportColumn>> = Object.fromEntries(IMPORT_COLUMNS.map((column) => [column.field, column])) as Record<
  ImportField,
  ImportColumn
>;

const FIELD_OF_HEADER = new Map<string, ImportField>(
  IMPORT_COLUMNS.flatMap((column) => [column.label, ...column.aliases].map((header) => [foldVietnamese(header), column.field] as const)),
);

/** Where each field sits in a row: 0-based index into the row's cells. */
export type ColumnLayout = Partial<Record<ImportField, number>>;

export type HeaderResolution = { kind: 'header'; layout: ColumnLayout; missing: ImportColumn[] } | { kind: 'not-header' };

/**
 * Reads a row as the header row if it names at least the name and CCCD columns. Departments' lists
 * often start with a title and a blank line, so callers try the first rows in turn; unknown columns
 * ("STT", "Ghi chú") are ignored, and the first of two columns with the same meaning wins.
 */
export function resolveHeader(cells: readonly unknown[]): HeaderResolution {
  const layout: ColumnLayout = {};
  cells.forEach((cell, index) => {
    if (typeof cell !== 'string') return;
    const field = FIELD_OF_HEADER.get(foldVietnamese(cell));
    if (field && layout[field] === undefined) layout[field] = index;
  });
  if (layout.fullName === undefined || layout.cccd === undefined) return { kind: 'not-header' };
  return { kind: 'header', layout, missing: IMPORT_COLUMNS.filter((column) => column.required && layout[column.field] === undefined) };
}

/** How many leading rows may hold a title, a date, a blank line before the header row. */
export const HEADER_SEARCH_ROWS = 20;
