import { foldVietnamese } from '@app/contracts';
import { coversArea } from '@app/platform';
import { registrationRuleViolations, type RegistrationCandidate } from '../beneficiaries/registration-rules';
import { COLUMN_OF, type ColumnLayout, type ImportField } from './import-columns';

/**
 * A cell as the row sources hand it over: CSV cells are always strings; .xlsx cells keep Excel's own
 * type (a number stays a number, a date cell is a Date), which is how the Excel traps are recognised.
 */
export type CellValue = string | number | boolean | Date | null;

export interface RowIssue {
  /** The column's template header, or null for a problem of the whole row. */
  column: string | null;
  code: string;
  message: string;
}

/** Whose list this is: the uploader's area and the programme the file was uploaded for. */
export interface RowContext {
  programmeCode: string;
  provinceCode: string | null;
  communeCode: string | null;
  /** YYYY-MM-DD; dates of birth after it are refused. */
  today: string;
}

export interface ImportCandidate extends RegistrationCandidate {
  phone: string | null;
  legacyDistrictCode: string | null;
  householdCode: string | null;
}

export type RowOutcome =
  | { kind: 'valid'; candidate: ImportCandidate }
  /** `cccd` is the row's CCCD when that cell itself was readable, so later rows can be checked against it. */
  | { kind: 'invalid'; issues: RowIssue[]; cccd: string | null };

type Parsed<T> = { value: T } | { issue: RowIssue };

const label = (field: ImportField) => COLUMN_OF[field].label;
const issue = (field: ImportField | null, code: string, message: string): { issue: RowIssue } => ({
  issue: { column: field ? label(field) : null, code, message },
});

const FIX_AS_TEXT = 'Hãy định dạng cột là Văn bản (Text) trong Excel rồi nhập lại.';

/** Messages of problems found by the import itself (shapes and the Excel traps); cross-field rules keep theirs. */
export const ROW_ISSUES = {
  missing: (field: ImportField) => issue(field, 'IMPORT.MISSING_VALUE', `Thiếu ${label(field).replace(/ \(.*\)$/, '')}.`),
  duplicateInFile: (firstRow: number) =>
    issue('cccd', 'IMPORT.DUPLICATE_IN_FILE', `Số CCCD trùng với dòng ${firstRow} trong cùng tệp; chỉ dòng ${firstRow} được nhập.`),
  outOfArea: () => issue('communeCode', 'AUTH.OUT_OF_AREA', 'Đối tượng thuộc địa bàn ngoài phạm vi quản lý của bạn.'),
};

const INVISIBLE = /[\u200B-\u200D\uFEFF]/g;
// Printable ASCII words with single spaces between them: already what cellText would make of them.
const PLAIN_ASCII = /^[!-~]+(?: [!-~]+)*$/;

/** Text as an officer meant it: composed Unicode (NFD from macOS / Windows-1258 becomes NFC), single spaces. */
export function cellText(cell: CellValue): string {
  if (cell === null) return '';
  // Most cells (codes, dates, digits) take this path: a million-row list has twelve million cells.
  if (typeof cell === 'string' && PLAIN_ASCII.test(cell)) return cell;
  if (typeof cell === 'string') return cell.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  if (typeof cell === 'number') return String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
}

export function isBlankCell(cell: CellValue): boolean {
  return cellText(cell) === '';
}

// What Excel shows for a long number in a General-formatted cell, and writes into a CSV saved from it.
const EXPONENT_FORM = /^\d+(?:[.,]\d+)?e\+?\d+$/i;

/**
 * The CCCD, with the Excel trap undone where that is safe: a 12-digit number typed into a number
 * cell loses its leading zero (every CCCD starts with 0), and a CSV saved from such a sheet carries
 * 10 or 11 digits, so these are padded back. Exponent forms and numbers past 12 digits have already
 * lost digits and cannot be recovered.
 */
export function parseCccd(cell: CellValue): Parsed<string> {
  if (typeof cell === 'number') {
    if (!Number.isInteger(cell) || cell < 0 || cell >= 1e12) {
      return issue('cccd', 'IMPORT.INVALID_CCCD_FORMAT', `Số CCCD trong ô là số ${formatNumber(cell)}, quá 12 chữ số hoặc có phần thập phân: Excel đã làm sai lệch, không khôi phục được. ${FIX_AS_TEXT}`);
    }
    return { value: String(cell).padStart(12, '0') };
  }
  const text = cellText(cell).replace(/^'/, '').replace(/ /g, '');
  if (text === '') return ROW_ISSUES.missing('cccd');
  if (EXPONENT_FORM.test(text)) {
    return issue('cccd', 'IMPORT.INVALID_CCCD_FORMAT', `Số CCCD ở dạng số mũ (${text}): Excel đã làm mất các chữ số cuối. ${FIX_AS_TEXT}`);
  }
  if (/^\d{10,11}$/.test(text)) return { value: text.padStart(12, '0') };
  if (!/^\d{12}$/.test(text)) return issue('cccd', 'IMPORT.INVALID_CCCD_FORMAT', 'Số CCCD phải gồm đúng 12 chữ số.');
  return { value: text };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const INVALID_DATE = 'Ngày sinh phải theo dạng dd/mm/yyyy (ví dụ 15/03/1948) hoặc yyyy-mm-dd.';

function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return null;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Dates as officers' lists carry them: dd/mm/yyyy text (the Vietnamese order; '-' and '.' also
 * separate), yyyy-mm-dd, a real Excel date cell, or the day number Excel stores when a date cell
 * lost its format. Two-digit years are refused: for people born in the 1930s "15/03/35" is ambiguous.
 */
export function parseDate(cell: CellValue): Parsed<string> {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return issue('dateOfBirth', 'IMPORT.INVALID_DATE', INVALID_DATE);
    return { value: cell.toISOString().slice(0, 10) };
  }
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell) || cell < 1 || cell >= 2_958_466) return issue('dateOfBirth', 'IMPORT.INVALID_DATE', INVALID_DATE);
    return { value: new Date(EXCEL_EPOCH_MS + Math.floor(cell) * 86_400_000).toISOString().slice(0, 10) };
  }
  const text = cellText(cell);
  if (text === '') return ROW_ISSUES.missing('dateOfBirth');
  let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  let date: string | null = null;
  if (match) date = isoDate(Number(match[3]), Number(match[2]), Number(match[1]));
  else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/.exec(text))) date = isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  else if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$/.test(text)) {
    return issue('dateOfBirth', 'IMPORT.INVALID_DATE', 'Năm sinh phải ghi đủ 4 chữ số (dd/mm/yyyy), ví dụ 15/03/1948.');
  }
  return date ? { value: date } : issue('dateOfBirth', 'IMPORT.INVALID_DATE', INVALID_DATE);
}

export function parseGender(cell: CellValue): Parsed<'male' | 'female'> {
  const folded = foldVietnamese(cellText(cell));
  if (folded === '') return ROW_ISSUES.missing('gender');
  if (folded === 'NAM') return { value: 'male' };
  if (folded === 'NU') return { value: 'female' };
  return issue('gender', 'IMPORT.INVALID_GENDER', 'Giới tính phải là Nam hoặc Nữ.');
}

/** A mobile number; the zero Excel drops from a number cell (912345678) is put back. */
export function parsePhone(cell: CellValue): Parsed<string | null> {
  let text = typeof cell === 'number' && Number.isInteger(cell) ? String(cell) : cellText(cell).replace(/[\s.()-]/g, '');
  if (text === '') return { value: null };
  if (/^\+?84\d{9}$/.test(text)) text = `0${text.slice(-9)}`;
  else if (/^[1-9]\d{8}$/.test(text)) text = `0${text}`;
  if (!/^0\d{9}$/.test(text)) return issue('phone', 'IMPORT.INVALID_PHONE', 'Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.');
  return { value: text };
}

/** A numeric administrative code; number cells and CSVs saved from them lose leading zeros, so digits are padded. */
function parseUnitCode(cell: CellValue, field: 'provinceCode' | 'communeCode' | 'legacyDistrictCode', length: number, required: boolean): Parsed<string | null> {
  const text = typeof cell === 'number' && Number.isInteger(cell) && cell >= 0 ? String(cell) : cellText(cell);
  if (text === '') return required ? ROW_ISSUES.missing(field) : { value: null };
  if (!/^\d+$/.test(text) || text.length > length) {
    return issue(field, 'IMPORT.INVALID_CODE', `${label(field)} phải gồm ${length} chữ số.`);
  }
  return { value: text.padStart(length, '0') };
}

function parseProgrammeOrCategory(cell: CellValue, field: 'programmeCode' | 'categoryCode'): Parsed<string | null> {
  const text = cellText(cell).toUpperCase();
  if (text === '') return { value: null };
  if (!/^[A-Z0-9_]{2,40}$/.test(text)) {
    return issue(field, 'IMPORT.INVALID_CODE', `${label(field)} chỉ gồm chữ in hoa, chữ số và dấu gạch dưới (2–40 ký tự).`);
  }
  return { value: text };
}

function parseHouseholdCode(cell: CellValue): Parsed<string | null> {
  const text = typeof cell === 'number' && Number.isInteger(cell) ? String(cell) : cellText(cell);
  if (text === '') return { value: null };
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(text)) return issue('householdCode', 'IMPORT.INVALID_CODE', 'Mã hộ chỉ gồm chữ, số, gạch ngang, gạch dưới (1–40 ký tự).');
  return { value: text };
}

function parseFullName(cell: CellValue): Parsed<string> {
  const text = cellText(cell);
  if (text === '') return ROW_ISSUES.missing('fullName');
  if (text.length > 200) return issue('fullName', 'IMPORT.INVALID_NAME', 'Họ và tên dài quá 200 ký tự.');
  if (!/\p{L}/u.test(text) || /\d/.test(text)) return issue('fullName', 'IMPORT.INVALID_NAME', 'Họ và tên phải là chữ, không có chữ số.');
  return { value: text };
}

/**
 * Account numbers are not stored by the import (they are linked and checked with the bank later), but
 * a list whose account numbers Excel turned into numbers has lost leading zeros, or every digit past
 * the 15th: the officer must fix the source before anyone relies on it.
 */
function checkAccountNumber(cell: CellValue): RowIssue | null {
  const message = 'Số tài khoản đang được Excel lưu dạng số nên có thể đã mất số 0 ở đầu hoặc bị làm tròn (Excel chỉ giữ 15 chữ số).';
  if (typeof cell === 'number') return { column: label('accountNumber'), code: 'IMPORT.NUMERIC_ACCOUNT_NUMBER', message: `${message} ${FIX_AS_TEXT}` };
  const text = cellText(cell).replace(/ /g, '');
  if (EXPONENT_FORM.test(text)) {
    return { column: label('accountNumber'), code: 'IMPORT.NUMERIC_ACCOUNT_NUMBER', message: `Số tài khoản ở dạng số mũ (${text}): ${message} ${FIX_AS_TEXT}` };
  }
  return null;
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? value.toLocaleString('vi-VN', { maximumFractionDigits: 4, useGrouping: false }) : String(value);
}

/**
 * Turns one spreadsheet row into a registration, or into every reason it cannot be one: shapes and
 * Excel traps first, then the uploader's area, then the same cross-field rules as a single
 * registration (registrationRuleViolations), so a row is accepted exactly when the form would be.
 */
export function parseRow(cells: readonly CellValue[], layout: ColumnLayout, context: RowContext): RowOutcome {
  const cell = (field: ImportField): CellValue => {
    const index = layout[field];
    return index === undefined ? null : (cells[index] ?? null);
  };
  const issues: RowIssue[] = [];
  const take = <T>(parsed: Parsed<T>): T | undefined => {
    if ('issue' in parsed) {
      issues.push(parsed.issue);
      return undefined;
    }
    return parsed.value;
  };

  const fullName = take(parseFullName(cell('fullName')));
  const cccd = take(parseCccd(cell('cccd')));
  const dateOfBirth = take(parseDate(cell('dateOfBirth')));
  const gender = take(parseGender(cell('gender')));
  const phone = take(parsePhone(cell('phone')));
  const provinceCode = take(parseUnitCode(cell('provinceCode'), 'provinceCode', 2, true));
  const communeCode = take(parseUnitCode(cell('communeCode'), 'communeCode', 5, true));
  const legacyDistrictCode = take(parseUnitCode(cell('legacyDistrictCode'), 'legacyDistrictCode', 3, false));
  const householdCode = take(parseHouseholdCode(cell('householdCode')));
  const rowProgramme = take(parseProgrammeOrCategory(cell('programmeCode'), 'programmeCode'));
  const categoryCode = take(parseProgrammeOrCategory(cell('categoryCode'), 'categoryCode'));
  if (categoryCode === null) issues.push(ROW_ISSUES.missing('categoryCode').issue);
  if (rowProgramme && rowProgramme !== context.programmeCode) {
    issues.push({
      column: label('programmeCode'),
      code: 'IMPORT.PROGRAMME_MISMATCH',
      message: `Mã chương trình ${rowProgramme} khác với chương trình của lần nhập này (${context.programmeCode}).`,
    });
  }
  const accountIssue = checkAccountNumber(cell('accountNumber'));
  if (accountIssue) issues.push(accountIssue);

  if (provinceCode && communeCode) {
    const scope = { sub: 'import', role: 'officer' as const, provinceCode: context.provinceCode ?? undefined, communeCode: context.communeCode ?? undefined };
    if (!coversArea(scope, { provinceCode, communeCode })) issues.push(ROW_ISSUES.outOfArea().issue);
  }
  if (cccd && dateOfBirth && gender && provinceCode && communeCode) {
    const violations = registrationRuleViolations(
      { fullName: fullName ?? '', cccd, dateOfBirth, gender, provinceCode, communeCode, programmeCode: context.programmeCode, categoryCode: categoryCode ?? '' },
      context.today,
    );
    for (const violation of violations) issues.push({ column: label(violation.field as ImportField), code: violation.code, message: violation.message });
  }

  if (issues.length > 0 || !fullName || !cccd || !dateOfBirth || !gender || !provinceCode || !communeCode || !categoryCode) {
    return { kind: 'invalid', issues, cccd: cccd ?? null };
  }
  return {
    kind: 'valid',
    candidate: {
      fullName,
      cccd,
      dateOfBirth,
      gender,
      phone: phone ?? null,
      provinceCode,
      communeCode,
      legacyDistrictCode: legacyDistrictCode ?? null,
      householdCode: householdCode ?? null,
      programmeCode: context.programmeCode,
      categoryCode,
    },
  };
}
