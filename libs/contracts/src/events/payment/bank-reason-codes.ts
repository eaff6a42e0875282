/**
 * The reasons a paying institution may give when it rejects an instruction, as it must spell them in
 * `bank.<code>.instruction.reported.v1`. Codes are ISO 20022 external status reason codes where one
 * exists; NOT_COLLECTED is the post office's own (cash not collected in the window). What AnSinh does
 * for each code is payment's policy, not part of this contract.
 */
export const BANK_REASON_CODES = {
  AC01: 'Số tài khoản không đúng',
  AC04: 'Tài khoản đã đóng',
  AC06: 'Tài khoản bị phong tỏa',
  AG01: 'Tài khoản không được phép nhận giao dịch này',
  BE01: 'Tên chủ tài khoản không khớp với người thụ hưởng',
  MD07: 'Chủ tài khoản đã qua đời',
  AM05: 'Lệnh chi trùng lặp',
  AM09: 'Số tiền không đúng',
  RR04: 'Từ chối vì lý do pháp lý',
  TECH: 'Lỗi kỹ thuật tạm thời tại tổ chức chi trả',
  NARR: 'Lý do khác (xem nội dung)',
  NOT_COLLECTED: 'Người thụ hưởng không đến nhận tiền mặt trong thời hạn',
} as const;

export type BankReasonCode = keyof typeof BANK_REASON_CODES;
export const BANK_REASON_CODE_LIST = Object.keys(BANK_REASON_CODES) as [BankReasonCode, ...BankReasonCode[]];
