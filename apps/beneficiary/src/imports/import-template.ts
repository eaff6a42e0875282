import { COMMUNES_2025, PROVINCES_2025 } from '@app/contracts';
import ExcelJS from 'exceljs';
import { IMPORT_COLUMNS, type ImportField } from './import-columns';

export const TEMPLATE_DATA_SHEET = 'Danh sách';
export const TEMPLATE_LIST_SHEET = 'DanhMuc';
/** Rows of the data sheet that carry the drop-downs; Excel copies them down as rows are added. */
export const TEMPLATE_ROWS = 10_000;

type DataValidationModel = ExcelJS.DataValidation;
// exceljs keeps range validations on worksheet.dataValidations at run time but leaves it out of its typings.
type WithRangeValidations = ExcelJS.Worksheet & { dataValidations: { add(range: string, validation: DataValidationModel): void } };

const columnLetter = (field: ImportField) => String.fromCharCode(65 + IMPORT_COLUMNS.findIndex((column) => column.field === field));

/**
 * The list template for an officer's area: every column formatted as text ('@'), so Excel keeps the
 * leading zero of a CCCD, the full digits of an account number and dd/mm/yyyy as typed; drop-downs
 * for the province, the communes of that province (from the 2025 list, on a hidden sheet) and the
 * gender. A national user gets every province and commune.
 */
export async function buildImportTemplate(area: { provinceCode?: string; communeCode?: string }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'AnSinh';
  const sheet = workbook.addWorksheet(TEMPLATE_DATA_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] }) as WithRangeValidations;
  sheet.columns = IMPORT_COLUMNS.map((column) => ({ header: column.label, key: column.field, width: column.width, style: { numFmt: '@' } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  IMPORT_COLUMNS.forEach((column, index) => {
    const cell = header.getCell(index + 1);
    cell.numFmt = '@';
    if (column.required) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
    cell.note = column.required ? 'Bắt buộc' : 'Không bắt buộc';
  });

  const communes = Object.entries(COMMUNES_2025)
    .filter(([code, [province]]) => (!area.provinceCode || province === area.provinceCode) && (!area.communeCode || code === area.communeCode))
    .sort(([a], [b]) => a.localeCompare(b));
  const provinces = Object.entries(PROVINCES_2025).filter(([code]) => !area.provinceCode || code === area.provinceCode);

  const lists = workbook.addWorksheet(TEMPLATE_LIST_SHEET, { state: 'hidden' });
  lists.columns = [
    { header: 'Mã xã', key: 'communeCode', width: 8, style: { numFmt: '@' } },
    { header: 'Tên xã', key: 'communeName', width: 32 },
    { header: 'Mã tỉnh', key: 'provinceCode', width: 8, style: { numFmt: '@' } },
    { header: 'Tên tỉnh', key: 'provinceName', width: 28 },
  ];
  const rows = Math.max(communes.length, provinces.length);
  for (let index = 0; index < rows; index += 1) {
    const [communeCode, [, communeName] = ['', '']] = communes[index] ?? ['', ['', '']];
    const [provinceCode, provinceName] = provinces[index] ?? ['', ''];
    lists.addRow({ communeCode, communeName, provinceCode, provinceName });
  }

  const range = (field: ImportField) => `${columnLetter(field)}2:${columnLetter(field)}${TEMPLATE_ROWS + 1}`;
  const list = (formula: string, error: string): DataValidationModel => ({
    type: 'list',
    allowBlank: true,
    formulae: [formula],
    showErrorMessage: true,
    errorStyle: 'error',
    errorTitle: 'Giá trị không hợp lệ',
    error,
  });
  sheet.dataValidations.add(range('provinceCode'), list(`${TEMPLATE_LIST_SHEET}!$C$2:$C$${provinces.length + 1}`, 'Chọn mã tỉnh trong danh sách.'));
  sheet.dataValidations.add(range('communeCode'), list(`${TEMPLATE_LIST_SHEET}!$A$2:$A$${communes.length + 1}`, 'Chọn mã xã trong danh mục đơn vị hành chính từ 01/7/2025.'));
  sheet.dataValidations.add(range('gender'), list('"Nam,Nữ"', 'Giới tính là Nam hoặc Nữ.'));

  const guide = workbook.addWorksheet('Hướng dẫn');
  guide.getColumn(1).width = 110;
  [
    'Nhập mỗi đối tượng trên một dòng của trang "Danh sách", bắt đầu từ dòng 2; không đổi tên, không xóa dòng tiêu đề.',
    'Các cột đã định dạng Văn bản: Số CCCD giữ đủ 12 chữ số kể cả số 0 ở đầu. Không dán số từ nơi khác bằng định dạng số.',
    'Ngày sinh ghi dd/mm/yyyy (ví dụ 15/03/1948). Giới tính chọn Nam hoặc Nữ. Mã tỉnh, Mã xã chọn trong danh sách thả xuống.',
    'Số tài khoản (nếu có) phải là văn bản: ô dạng số bị Excel làm mất số 0 đầu hoặc làm tròn sau 15 chữ số, dòng đó sẽ bị từ chối.',
    'Tải lên lại cùng một tệp không tạo bản ghi trùng; người đã có trong chương trình (trùng số CCCD) được bỏ qua và đếm là trùng.',
  ].forEach((line) => guide.addRow([line]));

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
