import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BankFileError } from './bank-file.errors';
import { uuidFromCompact } from './iso20022-values';

export type Pain002TransactionStatus = 'accepted' | 'settled' | 'rejected';

export interface Pain002Transaction {
  /** OrgnlInstrId, as the UUID AnSinh wrote (32 hex digits are read back with hyphens). */
  instructionId: string;
  endToEndId: string | null;
  status: Pain002TransactionStatus;
  /** StsRsnInf/Rsn/Cd (or Prtry, e.g. NOT_COLLECTED); null when the bank gave none. */
  reasonCode: string | null;
  reasonText: string | null;
  /** OrgnlTxRef/Amt/InstdAmt, the amount the bank says it executed; null when the report omits it. */
  amountDong: bigint | null;
  /** AcctSvcrRef, the bank's own reference. */
  bankReference: string | null;
}

export interface Pain002Report {
  originalMessageId: string;
  groupStatus: string | null;
  transactions: Pain002Transaction[];
}

/**
 * ISO 20022 external payment transaction status codes → what AnSinh records. Unlisted codes are an
 * error, not a guess: a status nobody decided on must reach a person.
 */
const STATUS: Readonly<Record<string, Pain002TransactionStatus>> = {
  ACSC: 'settled', // settlement completed (debtor side)
  ACCC: 'settled', // settlement completed on the creditor's account
  ACCP: 'accepted',
  ACSP: 'accepted',
  ACTC: 'accepted',
  ACWC: 'accepted',
  ACFC: 'accepted',
  PDNG: 'accepted',
  RCVD: 'accepted',
  RJCT: 'rejected',
};

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  // identifiers and amounts stay strings: "00071" must not become 71
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['OrgnlPmtInfAndSts', 'TxInfAndSts', 'StsRsnInf', 'AddtlInf'].includes(name),
});

/**
 * Reads a pain.002 customer payment status report (any pain.002.001.xx version) into one status
 * per instruction. Throws BankFileError, never a parser's own error.
 */
export function parsePain002(xml: string): Pain002Report {
  if (typeof xml !== 'string' || xml.trim() === '') throw new BankFileError('PAYMENT.BANK_FILE_MALFORMED', 'the file is empty');
  // no DTDs: a bank file has no business declaring entities (billion laughs, external entities)
  if (/<!DOCTYPE/i.test(xml)) throw new BankFileError('PAYMENT.BANK_FILE_MALFORMED', 'DOCTYPE declarations are not accepted');
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) {
    throw new BankFileError('PAYMENT.BANK_FILE_MALFORMED', `${wellFormed.err.msg} (line ${wellFormed.err.line}, column ${wellFormed.err.col})`);
  }
  if (!/urn:iso:std:iso:20022:tech:xsd:pain\.002\.001\.\d{2}/.test(xml)) {
    throw new BankFileError('PAYMENT.BANK_FILE_NOT_PAIN002', 'the document is not in a pain.002.001 namespace');
  }
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    throw new BankFileError('PAYMENT.BANK_FILE_MALFORMED', error instanceof Error ? error.message : String(error));
  }
  const report = at(document, 'Document', 'CstmrPmtStsRpt') as XmlNode | undefined;
  if (!report || typeof report !== 'object') throw new BankFileError('PAYMENT.BANK_FILE_NOT_PAIN002', 'no Document/CstmrPmtStsRpt');
  const originalMessageId = text(at(report, 'OrgnlGrpInfAndSts', 'OrgnlMsgId'));
  if (!originalMessageId) throw new BankFileError('PAYMENT.BANK_FILE_INVALID_CONTENT', 'no OrgnlGrpInfAndSts/OrgnlMsgId');
  const groupStatus = text(at(report, 'OrgnlGrpInfAndSts', 'GrpSts'));

  const transactions: Pain002Transaction[] = [];
  for (const payment of (report.OrgnlPmtInfAndSts as XmlNode[] | undefined) ?? []) {
    const paymentStatus = text(payment.PmtInfSts);
    for (const entry of (payment.TxInfAndSts as XmlNode[] | undefined) ?? []) {
      transactions.push(readTransaction(entry, paymentStatus ?? (groupStatus === 'PART' ? null : groupStatus), transactions.length));
    }
  }
  return { originalMessageId, groupStatus, transactions };
}

function readTransaction(entry: XmlNode, inherited: string | null, index: number): Pain002Transaction {
  const where = `TxInfAndSts[${index}]`;
  const instrId = text(entry.OrgnlInstrId);
  if (!instrId) throw new BankFileError('PAYMENT.BANK_FILE_INVALID_CONTENT', `${where} has no OrgnlInstrId`);
  // a transaction without its own status has the status of its payment block or of the group
  const code = text(entry.TxSts) ?? inherited;
  if (!code) throw new BankFileError('PAYMENT.BANK_FILE_INVALID_CONTENT', `${where} (${instrId}) has no TxSts`);
  const status = STATUS[code];
  if (!status) throw new BankFileError('PAYMENT.BANK_FILE_INVALID_CONTENT', `${where} (${instrId}) has an unknown status ${code}`);

  const [reason] = (entry.StsRsnInf as XmlNode[] | undefined) ?? [];
  const reasonCode = text(at(reason, 'Rsn', 'Cd')) ?? text(at(reason, 'Rsn', 'Prtry'));
  const details = ((reason?.AddtlInf as unknown[] | undefined) ?? []).map(text).filter((line): line is string => line !== null);
  return {
    instructionId: uuidFromCompact(instrId),
    endToEndId: nullable(text(entry.OrgnlEndToEndId), uuidFromCompact),
    status,
    reasonCode,
    reasonText: details.length > 0 ? details.join(' ') : null,
    amountDong: amountOf(at(entry, 'OrgnlTxRef', 'Amt', 'InstdAmt'), where),
    bankReference: text(entry.AcctSvcrRef),
  };
}

function amountOf(node: unknown, where: string): bigint | null {
  if (node === undefined) return null;
  const value = typeof node === 'object' && node !== null ? text((node as XmlNode)['#text']) : text(node);
  const currency = typeof node === 'object' && node !== null ? text((node as XmlNode)['@_Ccy']) : null;
  if (currency !== null && currency !== 'VND') throw new BankFileError('PAYMENT.BANK_FILE_INVALID_CONTENT', `${where} reports an amount in ${currency}, not VND`);
  // VND has no minor unit: "500000" or "500000.00" are the same whole amount; "500000.5" is not an amount
  const whole = value === null ? null : /^(\d{1,18})(?:\.0+)?$/.exec(value);
  if (!whole) throw new BankFileError('PAYMENT.BANK_FILE_INVALID_CONTENT', `${where} reports an amount that is not whole đồng: ${value}`);
  return BigInt(whole[1]);
}

function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const key of path) current = current !== null && typeof current === 'object' ? (current as XmlNode)[key] : undefined;
  return current;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function nullable<T>(value: string | null, map: (value: string) => T): T | null {
  return value === null ? null : map(value);
}
