import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';

// The file-based institution: reads an ISO 20022 pain.001.001.09 credit-transfer file and answers
// with a pain.002.001.10 status report. Written from the standard, not from AnSinh's builder: it is
// another party's system.

export const PAIN002_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';

export class Pain001Error extends Error {
  override readonly name = 'Pain001Error';
}

/** One CdtTrfTxInf as the institution reads it. */
export interface FileTransaction {
  paymentInformationId: string;
  /** InstrId as written in the file, echoed in OrgnlInstrId. */
  instrId: string;
  /** InstrId read as a UUID: AnSinh writes its instructionId as 32 hex digits (InstrId is Max35Text). */
  instructionId: string;
  endToEndId: string | null;
  amountDong: string | null;
  currency: string | null;
  institutionCode: string;
  creditorName: string;
  accountNumber: string | null;
  channel: 'bank' | 'ewallet' | 'cash';
}

export interface Pain001File {
  messageId: string;
  creationDateTime: string | null;
  numberOfTransactions: string | null;
  controlSum: string | null;
  transactions: FileTransaction[];
}

/** ACSC settled, RJCT refused, PDNG no answer yet (what a lost or withheld answer looks like in a file). */
export interface FileTransactionStatus {
  status: 'ACSC' | 'RJCT' | 'PDNG';
  reasonCode: string | null;
  reasonText: string | null;
  bankReference: string | null;
  amountDong: string | null;
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'PmtInf' || name === 'CdtTrfTxInf' || name === 'Ustrd',
});

export function readPain001(xml: string): Pain001File {
  if (/<!DOCTYPE/i.test(xml)) throw new Pain001Error('DOCTYPE is not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Pain001Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  if (!/urn:iso:std:iso:20022:tech:xsd:pain\.001\.001\.\d{2}/.test(xml)) throw new Pain001Error('not a pain.001 document');
  const initiation = (parser.parse(xml) as XmlNode).Document as XmlNode | undefined;
  const root = initiation?.CstmrCdtTrfInitn as XmlNode | undefined;
  const header = root?.GrpHdr as XmlNode | undefined;
  const messageId = text(header?.MsgId);
  if (!root || !header || !messageId) throw new Pain001Error('no CstmrCdtTrfInitn/GrpHdr/MsgId');
  const transactions: FileTransaction[] = [];
  for (const payment of (root.PmtInf as XmlNode[] | undefined) ?? []) {
    const paymentInformationId = text(payment.PmtInfId) ?? '';
    for (const transaction of (payment.CdtTrfTxInf as XmlNode[] | undefined) ?? []) {
      const ids = (transaction.PmtId ?? {}) as XmlNode;
      const instructionId = text(ids.InstrId);
      if (!instructionId) throw new Pain001Error(`a transaction of ${paymentInformationId} has no InstrId`);
      const amount = at(transaction, 'Amt', 'InstdAmt') as XmlNode | string | undefined;
      const agent = at(transaction, 'CdtrAgt', 'FinInstnId') as XmlNode | undefined;
      const institutionCode = text(at(agent, 'ClrSysMmbId', 'MmbId')) ?? text(at(agent, 'Othr', 'Id')) ?? '';
      const accountNumber = text(at(transaction, 'CdtrAcct', 'Id', 'Othr', 'Id'));
      transactions.push({
        paymentInformationId,
        instrId: instructionId,
        instructionId: uuidFromCompact(instructionId),
        endToEndId: text(ids.EndToEndId),
        amountDong: typeof amount === 'object' ? text(amount['#text']) : text(amount),
        currency: typeof amount === 'object' ? text(amount['@_Ccy']) : null,
        institutionCode,
        creditorName: text(at(transaction, 'Cdtr', 'Nm')) ?? '',
        accountNumber,
        channel: accountNumber === null ? 'cash' : /^\d{6}$/.test(institutionCode) ? 'bank' : 'ewallet',
      });
    }
  }
  return {
    messageId,
    creationDateTime: text(header.CreDtTm),
    numberOfTransactions: text(header.NbOfTxs),
    controlSum: text(header.CtrlSum),
    transactions,
  };
}

/** The file-level checks a bank makes before executing anything: ISO codes AM18 (count) and AM10 (control sum). */
export function fileProblem(file: Pain001File): { code: 'AM18' | 'AM10'; text: string } | null {
  if (file.numberOfTransactions !== String(file.transactions.length)) {
    return { code: 'AM18', text: `NbOfTxs ${file.numberOfTransactions} but ${file.transactions.length} transactions` };
  }
  const sum = file.transactions.reduce((total, transaction) => total + (/^\d+$/.test(transaction.amountDong ?? '') ? BigInt(transaction.amountDong!) : 0n), 0n);
  if (file.controlSum === null || !/^\d+(\.0+)?$/.test(file.controlSum) || BigInt(file.controlSum.split('.')[0]) !== sum) {
    return { code: 'AM10', text: `CtrlSum ${file.controlSum} but the amounts add up to ${sum}` };
  }
  return null;
}

/** The amount problem of one transaction, if any: VND is whole đồng. */
export function amountProblem(transaction: FileTransaction): string | null {
  if (transaction.currency !== 'VND') return `currency ${transaction.currency} is not VND`;
  if (!/^(0|[1-9]\d{0,17})$/.test(transaction.amountDong ?? '')) return `amount ${transaction.amountDong} is not a whole number of dong`;
  return null;
}

/**
 * The pain.002.001.10 answer: group status ACSC/RJCT/PDNG when every transaction has that status,
 * PART otherwise; per transaction the status, reason and the amount executed.
 */
export function writePain002(
  file: Pain001File,
  statuses: readonly FileTransactionStatus[],
  report: { messageId: string; createdAt: Date; groupRejection?: { code: string; text: string } },
): string {
  const distinct = new Set(statuses.map((status) => status.status));
  const groupStatus = report.groupRejection ? 'RJCT' : distinct.size === 1 ? [...distinct][0] : distinct.size === 0 ? 'RJCT' : 'PART';
  const document = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN002_NAMESPACE, 'Document').ele('CstmrPmtStsRpt');
  document.ele('GrpHdr').ele('MsgId').txt(report.messageId).up().ele('CreDtTm').txt(report.createdAt.toISOString());
  const group = document.ele('OrgnlGrpInfAndSts');
  group.ele('OrgnlMsgId').txt(file.messageId);
  group.ele('OrgnlMsgNmId').txt('pain.001.001.09');
  if (file.numberOfTransactions) group.ele('OrgnlNbOfTxs').txt(file.numberOfTransactions);
  if (file.controlSum) group.ele('OrgnlCtrlSum').txt(file.controlSum);
  group.ele('GrpSts').txt(groupStatus);
  if (report.groupRejection) reason(group, report.groupRejection.code, report.groupRejection.text);

  const byPayment = new Map<string, number[]>();
  file.transactions.forEach((transaction, index) => byPayment.set(transaction.paymentInformationId, [...(byPayment.get(transaction.paymentInformationId) ?? []), index]));
  for (const [paymentInformationId, indexes] of byPayment) {
    const payment = document.ele('OrgnlPmtInfAndSts');
    payment.ele('OrgnlPmtInfId').txt(paymentInformationId);
    for (const index of indexes) {
      const transaction = file.transactions[index];
      const status = statuses[index];
      const entry = payment.ele('TxInfAndSts');
      entry.ele('OrgnlInstrId').txt(transaction.instrId);
      if (transaction.endToEndId) entry.ele('OrgnlEndToEndId').txt(transaction.endToEndId);
      entry.ele('TxSts').txt(status.status);
      if (status.reasonCode) reason(entry, status.reasonCode, status.reasonText);
      if (status.bankReference) entry.ele('AcctSvcrRef').txt(status.bankReference);
      if (status.amountDong) entry.ele('OrgnlTxRef').ele('Amt').ele('InstdAmt', { Ccy: 'VND' }).txt(status.amountDong);
    }
  }
  return document.end({ prettyPrint: true });
}

function reason(parent: ReturnType<ReturnType<typeof create>['ele']>, code: string, text: string | null): void {
  const information = parent.ele('StsRsnInf');
  // ISO reason codes are at most 4 characters; the post office's own NOT_COLLECTED goes in Prtry
  information.ele('Rsn').ele(code.length <= 4 ? 'Cd' : 'Prtry').txt(code);
  if (text) information.ele('AddtlInf').txt(text.slice(0, 105));
}

function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const key of path) current = current && typeof current === 'object' ? (current as XmlNode)[key] : undefined;
  return current;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function uuidFromCompact(id: string): string {
  const hex = /^[0-9a-f]{32}$/i.exec(id)?.[0];
  return hex ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toLowerCase() : id;
}
