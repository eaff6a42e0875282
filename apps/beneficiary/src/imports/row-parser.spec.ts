import fc from 'fast-check';
import { IMPORT_COLUMNS, resolveHeader, type ColumnLayout } from './import-columns';
import { cellText, parseCccd, parseDate, parseGender, parsePhone, parseRow, type CellValue, type RowContext } from './row-parser';

const layout = (resolveHeader(IMPORT_COLUMNS.map((column) => column.label)) as { layout: ColumnLayout }).layout;
const context: RowContext = { programmeCode: 'TC_XH', provinceCode: '42', communeCode: null, today: '2026-11-23' };

type Row = Partial<Record<(typeof IMPORT_COLUMNS)[number]['field'], CellValue>>;
const valid: Row = {
  fullName: 'Nguyễn Thị Đào',
  cccd: '042148001234',
  dateOfBirth: '15/03/1948',
  gender: 'Nữ',
  phone: '0912345678',
  provinceCode: '42',
  communeCode: '18073',
  categoryCode: 'NCT_80',
};
const cells = (row: Row): CellValue[] => IMPORT_COLUMNS.map((column) => row[column.field] ?? null);
const parse = (change: Row, rowContext = context) => parseRow(cells({ ...valid, ...change }), layout, rowContext);
const codes = (change: Row, rowContext = context) => {
  const outcome = parse(change, rowContext);
  return outcome.kind === 'valid' ? [] : outcome.issues.map((issue) => issue.code);
};

describe('import row parser', () => {
  it('turns a well-formed row into the same candidate a registration form would send', () => {
    expect(parse({})).toEqual({
      kind: 'valid',
      candidate: {
        fullName: 'Nguyễn Thị Đào',
        cccd: '042148001234',
        dateOfBirth: '1948-03-15',
        gender: 'female',
        phone: '0912345678',
        provinceCode: '42',
        communeCode: '18073',
        legacyDistrictCode: null,
        householdCode: null,
        programmeCode: 'TC_XH',
        categoryCode: 'NCT_80',
      },
    });
  });

  describe('Excel traps', () => {
    it('pads a CCCD that Excel stored as a number and so lost its leading zero', () => {
      expect(parseCccd(42148001234)).toEqual({ value: '042148001234' });
      expect(parse({ cccd: 42148001234 })).toMatchObject({ kind: 'valid', candidate: { cccd: '042148001234' } });
    });

    it('pads the 10 or 11 digits a CSV saved from such a sheet carries (Hà Nội CCCDs start 001…)', () => {
      expect(parseCccd('42148001234')).toEqual({ value: '042148001234' });
      expect(parseCccd('1148001234')).toEqual({ value: '001148001234' });
    });

    it.each([
      ['exponent text from a CSV', '4.21480E+10'],
      ['exponent text with a decimal comma', '4,2148E+10'],
      ['more than 12 digits', '0421480012345'],
      ['a letter O typed for a zero', '0421480O1234'],
      ['too short to be a lost zero', '421480012'],
    ])('refuses a CCCD in %s', (_label, value) => {
      expect(codes({ cccd: value })).toEqual(['IMPORT.INVALID_CCCD_FORMAT']);
    });

    it('refuses a numeric CCCD past 12 digits or with a fraction, which Excel has already rounded', () => {
      expect(codes({ cccd: 4214800123456 })).toEqual(['IMPORT.INVALID_CCCD_FORMAT']);
      expect(codes({ cccd: 42148001234.5 })).toEqual(['IMPORT.INVALID_CCCD_FORMAT']);
    });

    it('refuses an account number stored as a number, and one in exponent form, with a clear message', () => {
      const numeric = parse({ accountNumber: 1.0123456789012345e15 });
      expect(numeric).toMatchObject({ kind: 'invalid', issues: [{ column: 'Số tài khoản', code: 'IMPORT.NUMERIC_ACCOUNT_NUMBER' }] });
      expect(numeric.kind === 'invalid' && numeric.issues[0].message).toMatch(/Văn bản \(Text\)/);
      expect(codes({ accountNumber: 71000123456 })).toEqual(['IMPORT.NUMERIC_ACCOUNT_NUMBER']);
      expect(codes({ accountNumber: '9.70436E+15' })).toEqual(['IMPORT.NUMERIC_ACCOUNT_NUMBER']);
      expect(codes({ accountNumber: '0071000123456' })).toEqual([]);
    });

    it('puts back the zeros number cells drop from phone numbers and unit codes', () => {
      expect(parsePhone(912345678)).toEqual({ value: '0912345678' });
      expect(parsePhone('+84 912 345 678')).toEqual({ value: '0912345678' });
      expect(parse({ provinceCode: 1, communeCode: 4, cccd: '001148001234', dateOfBirth: '01/01/1948' }, { ...context, provinceCode: null })).toMatchObject({
        kind: 'valid',
        candidate: { provinceCode: '01', communeCode: '00004' },
      });
      expect(parse({ legacyDistrictCode: 36 })).toMatchObject({ kind: 'valid', candidate: { legacyDistrictCode: '036' } });
    });
  });

  describe('dates', () => {
    it.each<[string, CellValue, string]>([
      ['dd/mm/yyyy text', '15/03/1948', '1948-03-15'],
      ['d/m/yyyy text', '5/3/1948', '1948-03-05'],
      ['dd-mm-yyyy text', '15-03-1948', '1948-03-15'],
      ['dd.mm.yyyy text', '15.03.1948', '1948-03-15'],
      ['yyyy-mm-dd text', '1948-03-15', '1948-03-15'],
      ['an ISO date-time at midnight', '1948-03-15T00:00:00.000Z', '1948-03-15'],
      ['a real Excel date cell', new Date(Date.UTC(1948, 2, 15)), '1948-03-15'],
      ['the day number of a date cell that lost its format', 17_607, '1948-03-15'],
    ])('reads %s', (_label, cell, expected) => {
      expect(parseDate(cell)).toEqual({ value: expected });
    });

    it.each<[string, CellValue, RegExp]>([
      ['a day that does not exist', '30/02/1948', /dd\/mm\/yyyy/],
      ['29 February of a common year', '29/02/1949', /dd\/mm\/yyyy/],
      ['the American month-first order', '03/15/1948', /dd\/mm\/yyyy/],
      ['a two-digit year', '15/03/48', /4 chữ số/],
      ['words', 'không rõ', /dd\/mm\/yyyy/],
    ])('refuses %s', (_label, cell, message) => {
      const parsed = parseDate(cell);
      expect(parsed).toMatchObject({ issue: { code: 'IMPORT.INVALID_DATE' } });
      expect('issue' in parsed && parsed.issue.message).toMatch(message);
    });

    it('accepts 29 February of a leap year', () => {
      expect(parseDate('29/02/1948')).toEqual({ value: '1948-02-29' });
    });
  });

  describe('text', () => {
    it('reads the gender whatever the case, accents or Unicode form', () => {
      for (const text of ['Nữ', 'NỮ', 'nữ', 'Nu', 'Nữ'.normalize('NFD'), ' nữ ']) expect(parseGender(text)).toEqual({ value: 'female' });
      for (const text of ['Nam', 'NAM', 'nam']) expect(parseGender(text)).toEqual({ value: 'male' });
      expect(parseGender('F')).toMatchObject({ issue: { code: 'IMPORT.INVALID_GENDER' } });
    });

    it('composes names typed or exported in decomposed form (NFD), and tidies spaces', () => {
      const decomposed = '  Nguyễn   Thị Đào\u00a0'.normalize('NFD');
      expect(decomposed).not.toBe(decomposed.normalize('NFC'));
      const outcome = parse({ fullName: decomposed });
      expect(outcome).toMatchObject({ kind: 'valid', candidate: { fullName: 'Nguyễn Thị Đào' } });
      expect(outcome.kind === 'valid' && outcome.candidate.fullName).toBe('Nguyễn Thị Đào'.normalize('NFC'));
      expect(cellText('a\u200bb')).toBe('ab');
    });

    it('tidies any cell exactly as the full normalisation would, plain ASCII cells included', () => {
      const full = (text: string) => text.normalize('NFC').replace(/[\u200B-\u200D\uFEFF]/g, '').replace(/\s+/g, ' ').trim();
      const pieces = fc.constantFrom('0', '42', '15/03/1948', 'NCT_80', 'Nam', 'Nữ', 'Đào', 'Nguyễn'.normalize('NFD'), ' ', '  ', '\t', '\u00a0', '\u200b', '\r\n', 'x-y', "'0912");
      fc.assert(
        fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
          const text = parts.join('');
          expect(cellText(text)).toBe(full(text));
        }),
      );
    });
  });

  describe('whole rows', () => {
    it('reports every problem of a row, each under its column', () => {
      const outcome = parse({ fullName: '', gender: 'X', communeCode: '99999', phone: '12345' });
      expect(outcome).toMatchObject({
        kind: 'invalid',
        issues: [
          { column: 'Họ và tên', code: 'IMPORT.MISSING_VALUE', message: 'Thiếu Họ và tên.' },
          { column: 'Giới tính (Nam/Nữ)', code: 'IMPORT.INVALID_GENDER' },
          { column: 'Số điện thoại', code: 'IMPORT.INVALID_PHONE' },
        ],
      });
    });

    it('applies the shared registration rules: CCCD against birth data, commune against province, dates', () => {
      expect(codes({ dateOfBirth: '15/03/1949' })).toEqual(['BENEFICIARY.INVALID_CCCD']);
      expect(codes({ communeCode: '99999' })).toEqual(['BENEFICIARY.UNKNOWN_COMMUNE']);
      expect(codes({ communeCode: '00004' })).toEqual(['BENEFICIARY.COMMUNE_NOT_IN_PROVINCE']);
      expect(codes({ dateOfBirth: '01/05/2030', cccd: '042330001234' })).toEqual(['BENEFICIARY.DATE_OF_BIRTH_IN_FUTURE']);
      expect(parse({ communeCode: '00004' })).toMatchObject({ issues: [{ column: 'Mã xã', message: 'Phường Ba Đình không thuộc Tỉnh Hà Tĩnh.' }] });
    });

    it('refuses rows outside the uploader’s area', () => {
      expect(codes({ provinceCode: '01', communeCode: '00004' })).toEqual(['AUTH.OUT_OF_AREA']);
      expect(codes({ communeCode: '18100' }, { ...context, communeCode: '18073' })).toEqual(['AUTH.OUT_OF_AREA']);
      expect(codes({}, { ...context, communeCode: '18073' })).toEqual([]);
      expect(codes({ provinceCode: '01', communeCode: '00004', cccd: '001148001234' }, { ...context, provinceCode: null })).toEqual([]);
    });

    it('takes the programme from the upload and refuses a row naming another one', () => {
      expect(parse({ programmeCode: 'tc_xh' })).toMatchObject({ kind: 'valid', candidate: { programmeCode: 'TC_XH' } });
      expect(codes({ programmeCode: 'NCC' })).toEqual(['IMPORT.PROGRAMME_MISMATCH']);
    });

    it('keeps the CCCD of an invalid row, so later rows are still checked against it', () => {
      expect(parse({ fullName: '' })).toMatchObject({ kind: 'invalid', cccd: '042148001234' });
      expect(parse({ cccd: 'abc' })).toMatchObject({ kind: 'invalid', cccd: null });
    });
  });

  describe('header row', () => {
    it('recognises the template headers and common variants, ignoring other columns', () => {
      const header = resolveHeader(['STT', 'HỌ TÊN', 'Số căn cước công dân', 'Ngày tháng năm sinh', 'Giới tính', 'Mã tỉnh', 'Mã xã/phường', 'Mã đối tượng', 'Ghi chú']);
      expect(header).toEqual({
        kind: 'header',
        missing: [],
        layout: { fullName: 1, cccd: 2, dateOfBirth: 3, gender: 4, provinceCode: 5, communeCode: 6, categoryCode: 7 },
      });
    });

    it('names the required columns that are missing', () => {
      const header = resolveHeader(['Họ và tên', 'Số CCCD']);
      expect(header.kind === 'header' && header.missing.map((column) => column.label)).toEqual(['Ngày sinh', 'Giới tính (Nam/Nữ)', 'Mã tỉnh', 'Mã xã', 'Mã nhóm đối tượng']);
    });

    it('does not take a title row for the header', () => {
      expect(resolveHeader(['DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG'])).toEqual({ kind: 'not-header' });
    });
  });
});
