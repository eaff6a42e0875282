import { DomainError } from '@app/platform';

export type BankFileErrorCode =
  | 'PAYMENT.BANK_FILE_INVALID_BATCH'
  | 'PAYMENT.BANK_FILE_MALFORMED'
  | 'PAYMENT.BANK_FILE_NOT_PAIN002'
  | 'PAYMENT.BANK_FILE_INVALID_CONTENT';

const MESSAGES: Readonly<Record<BankFileErrorCode, string>> = {
  'PAYMENT.BANK_FILE_INVALID_BATCH': 'Không lập được tệp lệnh chi pain.001 từ lô này.',
  'PAYMENT.BANK_FILE_MALFORMED': 'Tệp kết quả của ngân hàng không phải XML hợp lệ.',
  'PAYMENT.BANK_FILE_NOT_PAIN002': 'Tệp kết quả của ngân hàng không phải báo cáo trạng thái pain.002.',
  'PAYMENT.BANK_FILE_INVALID_CONTENT': 'Tệp kết quả của ngân hàng có nội dung không đọc được.',
};

/**
 * Every failure to write a pain.001 or read a pain.002, with a stable code; parser errors never
 * reach callers raw. `detail` says what exactly, for the log and the operator.
 */
export class BankFileError extends DomainError {
  constructor(
    override readonly code: BankFileErrorCode,
    readonly detail: string,
  ) {
    // a bad file from a bank is the caller's error (400); a batch we cannot write as a file is ours to fix
    super(code, MESSAGES[code], code === 'PAYMENT.BANK_FILE_INVALID_BATCH' ? 'unprocessable' : 'validation', { detail });
    this.name = 'BankFileError';
  }
}
