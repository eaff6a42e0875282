import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';

/** The form fields sent with the file (multipart/form-data). */
export class CreateImportDto {
  @ApiProperty({ example: 'TC_XH', description: 'Chương trình mà danh sách thuộc về; cột "Mã chương trình" của từng dòng (nếu có) phải trùng.' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới (2–40 ký tự).' })
  programmeCode: string;
}

/** The file part, as multer stores it on disk. */
export interface UploadedImportFile {
  path: string;
  originalname: string;
  size: number;
}
