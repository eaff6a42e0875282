import { institutionCodeSchema } from '@app/contracts';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { BankFileError } from './bank-file.errors';
import { compactUuid, isoName, isoText, vietnamDateTime } from './iso20022-values';

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

export interface Pain001Instruction {
  instructionId: string;
  endToEndId: string;
  amountDong: bigint;
  creditorName: string;
  /** null for cash at the post office: the file then carries no creditor account. */
  creditorAccount: string | null;
  /** BIN of the creditor's bank, or the e-wallet provider code, or VNPOST. */
  creditorAgentCode: string;
  remittanceInformation: string;
}

export interface Pain001Batch {
  messageId: string;
  createdAt: Date;
  initiatingParty: string;
  debtor: { name: string; accountNumber: string; agentBin: string };
  paymentInformationId: string;
  /** YYYY-MM-DD, the value date the debtor's bank executes the file on. */
  requestedExecutionDate: string;
  instructions: Pain001Instruction[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX35 = /^[\x21-\x7E]{1,35}$/;
// ActiveOrHistoricCurrencyAndAmount and DecimalNumber allow 18 digits in total
const MAX_AMOUNT = 10n ** 18n - 1n;

/**
 * One ISO 20022 pain.001.001.09 customer credit-transfer file for a bank that takes files instead
 * of Kafka instructions: one payment information block (one debit of the department's account),
 * one CdtTrfTxInf per instruction. InstrId and EndToEndId are the instructionId and endToEndId
 * written as 32 hex digits; amounts are whole đồng; creditor names are written the way banks print
 * holders (NGUYEN THI DAO) and other texts without diacritics.
 */
export function buildPain001(batch: Pain001Batch): string {
  const total = checkBatch(batch);
  const count = String(batch.instructions.length);

  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN001_NAMESPACE, 'Document').ele('CstmrCdtTrfInitn');
  const header = root.ele('GrpHdr');
  header.ele('MsgId').txt(batch.messageId);
  header.ele('CreDtTm').txt(vietnamDateTime(batch.createdAt));
  header.ele('NbOfTxs').txt(count);
  header.ele('CtrlSum').txt(total.toString());
  header.ele('InitgPty').ele('Nm').txt(isoText(batch.initiatingParty, 140));

  const payment = root.ele('PmtInf');
  payment.ele('PmtInfId').txt(batch.paymentInformationId);
  payment.ele('PmtMtd').txt('TRF');
  payment.ele('NbOfTxs').txt(count);
  payment.ele('CtrlSum').txt(total.toString());
  payment.ele('ReqdExctnDt').ele('Dt').txt(batch.requestedExecutionDate);
  payment.ele('Dbtr').ele('Nm').txt(isoText(batch.debtor.name, 140));
  payment.ele('DbtrAcct').ele('Id').ele('Othr').ele('Id').txt(batch.debtor.accountNumber);
  agent(payment.ele('DbtrAgt'), batch.debtor.agentBin);

  for (const instruction of batch.instructions) {
    const transaction = payment.ele('CdtTrfTxInf');
    const ids = transaction.ele('PmtId');
    ids.ele('InstrId').txt(compactUuid(instruction.instructionId));
    ids.ele('EndToEndId').txt(compactUuid(instruction.endToEndId));
    transaction.ele('Amt').ele('InstdAmt', { Ccy: 'VND' }).txt(instruction.amountDong.toString());
    agent(transaction.ele('CdtrAgt'), instruction.creditorAgentCode);
    transaction.ele('Cdtr').ele('Nm').txt(isoName(instruction.creditorName));
    if (instruction.creditorAccount !== null) transaction.ele('CdtrAcct').ele('Id').ele('Othr').ele('Id').txt(instruction.creditorAccount);
    transaction.ele('RmtInf').ele('Ustrd').txt(isoText(instruction.remittanceInformation, 140));
  }
  return root.end({ prettyPrint: true });
}

/** A bank by its NAPAS BIN as clearing-system member; an e-wallet or the post office by its code. */
function agent(parent: XMLBuilder, code: string): void {
  const institution = parent.ele('FinInstnId');
  if (/^\d{6}$/.test(code)) institution.ele('ClrSysMmbId').ele('MmbId').txt(code);
  else institution.ele('Othr').ele('Id').txt(code);
}

/** Everything a bank would refuse the whole file for, found before writing it; returns the control sum. */
function checkBatch(batch: Pain001Batch): bigint {
  const problems: string[] = [];
  if (!MAX35.test(batch.messageId)) problems.push('messageId must be 1–35 printable ASCII characters');
  if (!MAX35.test(batch.paymentInformationId)) problems.push('paymentInformationId must be 1–35 printable ASCII characters');
  if (Number.isNaN(batch.createdAt.getTime())) problems.push('createdAt is not a valid date');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(batch.requestedExecutionDate) || Number.isNaN(Date.parse(batch.requestedExecutionDate))) {
    problems.push('requestedExecutionDate must be YYYY-MM-DD');
  }
  if (!isoText(batch.initiatingParty, 140)) problems.push('initiatingParty has no printable name');
  if (!isoText(batch.debtor.name, 140)) problems.push('debtor.name has no printable name');
  if (!/^\d{6,19}$/.test(batch.debtor.accountNumber)) problems.push('debtor.accountNumber must be 6–19 digits');
  if (!/^\d{6}$/.test(batch.debtor.agentBin)) problems.push('debtor.agentBin must be a 6-digit BIN');
  if (batch.instructions.length === 0) problems.push('a file needs at least one instruction');

  const seen = new Set<string>();
  let total = 0n;
  batch.instructions.forEach((instruction, index) => {
    const at = `instructions[${index}]`;
    if (!UUID.test(instruction.instructionId)) problems.push(`${at}.instructionId must be a UUID`);
    else if (seen.has(instruction.instructionId.toLowerCase())) problems.push(`${at}.instructionId appears twice in the file`);
    seen.add(instruction.instructionId.toLowerCase());
    if (!UUID.test(instruction.endToEndId)) problems.push(`${at}.endToEndId must be a UUID`);
    if (instruction.amountDong <= 0n || instruction.amountDong > MAX_AMOUNT) problems.push(`${at}.amountDong must be between 1 and 10^18 - 1 đồng`);
    if (!isoName(instruction.creditorName)) problems.push(`${at}.creditorName has no printable name`);
    if (instruction.creditorAccount !== null && !/^\d{6,19}$/.test(instruction.creditorAccount)) problems.push(`${at}.creditorAccount must be 6–19 digits`);
    if (!institutionCodeSchema.safeParse(instruction.creditorAgentCode).success) problems.push(`${at}.creditorAgentCode is not a BIN or institution code`);
    if (!isoText(instruction.remittanceInformation, 140)) problems.push(`${at}.remittanceInformation is empty`);
    total += instruction.amountDong;
  });
  if (total > MAX_AMOUNT) problems.push('the amounts add up to more than CtrlSum can hold (18 digits)');
  if (problems.length > 0) throw new BankFileError('PAYMENT.BANK_FILE_INVALID_BATCH', problems.join('; '));
  return total;
}
