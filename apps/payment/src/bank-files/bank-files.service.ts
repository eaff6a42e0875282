import { BANK_REASON_CODE_LIST, type BankReasonCode } from '@app/contracts';
import { AuditTrailService, coversArea, DomainError, FieldCipher, institutionOf, SERVICE_CONFIG, type Principal } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BankResultsService, type BankResult } from '../bank-results/bank-results.service';
import { BatchErrors } from '../batches/payout-batches.service';
import type { PaymentConfig } from '../config/payment.config';
import { CREDITOR_COLUMNS, CREDITOR_JOINS, openCreditorAccountNumber } from '../dispatch/attempt-creditor';
import { remittanceInformation, vietnamDate } from '../dispatch/instruction-dispatcher.service';
import { compactUuid } from './iso20022-values';
import { buildPain001 } from './pain001.builder';
import { parsePain002, type Pain002Transaction } from './pain002.parser';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KNOWN_REASONS: ReadonlySet<string> = new Set(BANK_REASON_CODE_LIST);

export const BankFileErrors = {
  notApproved: () => new DomainError('PAYMENT.BATCH_NOT_APPROVED', 'Bảng kê chưa được phê duyệt nên chưa có tệp lệnh chi.', 'conflict'),
  stillDispatching: () => new DomainError('PAYMENT.BATCH_DISPATCHING', 'Bảng kê vừa được phê duyệt và đang được gửi đi; hãy tải tệp lệnh chi sau ít phút.', 'conflict'),
  unknownInstruction: () =>
    new DomainError('PAYMENT.RESULT_UNKNOWN_INSTRUCTION', 'Không có lệnh chi này trong số lệnh chi đã gửi cho tổ chức của bạn.', 'not_found'),
};

/** What happened to one transaction status of a pain.002. */
export interface Pain002LineOutcome {
  line: number;
  instructionId: string;
  status: Pain002Transaction['status'];
  reasonCode: string | null;
  /** applied: changed the payout; repeat: already recorded, nothing changed; flagged: kept for operations; rejected: not ours. */
  outcome: 'applied' | 'repeat' | 'flagged' | 'rejected';
  error: { code: string; message: string } | null;
}

export interface Pain002Summary {
  originalMessageId: string;
  institutionCode: string;
  fileSha256: string;
  lines: Pain002LineOutcome[];
  totals: Record<Pain002LineOutcome['outcome'], number>;
}

interface FileLine {
  instruction_id: string;
  entitlement_id: string;
  amount_dong: string;
  channel: 'bank' | 'ewallet' | 'cash';
  institution_code: string;
  account_id: string | null;
  account_number_sealed: string | null;
  full_name: string | null;
  programme_code: string;
  period: string;
  kind: 'monthly' | 'arrears' | 'funeral';
}

/**
 * The file side of a paying institution: the approved batch as an ISO 20022 pain.001, and the
 * institution's pain.002 applied line by line through the same code as results from Kafka.
 */
@Injectable()
export class BankFilesService {
  private readonly transportCipher: FieldCipher;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
    private readonly results: BankResultsService,
    private readonly audit: AuditTrailService,
  ) {
    this.transportCipher = FieldCipher.fromBase64(config.ACCOUNT_TRANSPORT_KEY);
  }

  /**
   * The batch exactly as approved: its first attempts, whatever happened to them since (a bank
   * treats an InstrId it has seen as a repeat). Written from the approval, so every download of
   * one batch is the same file.
   */
  async pain001(batchId: string, principal: Principal): Promise<{ fileName: string; xml: string }> {
    const [batch] = await this.dataSource.query(
      `SELECT b.id, b.institution_code, b.status, b.approved_at, b.dispatch_completed_at, c.province_code, c.commune_code
         FROM payment.payout_batch b JOIN payment.payout_cycle c ON c.id = b.cycle_id WHERE b.id = $1`,
      [batchId],
    );
    const institution = institutionOf(principal);
    // another institution's batch does not exist for a bank: not even its existence leaks
    if (!batch || (institution !== undefined && institution !== batch.institution_code)) throw BatchErrors.notFound();
    if (institution === undefined && !coversArea(principal, { provinceCode: batch.province_code, communeCode: batch.commune_code })) throw BatchErrors.outOfArea();
    if (batch.status !== 'dispatched') throw BankFileErrors.notApproved();
    // the file is the batch as approved, whole: never a part of it while its lines are still being sent
    if (!batch.dispatch_completed_at) throw BankFileErrors.stillDispatching();

    const lines: FileLine[] = await this.dataSource.query(
      `SELECT a.instruction_id, a.entitlement_id, a.amount_dong::text, a.channel, a.institution_code, a.account_id,
              ${CREDITOR_COLUMNS}, e.programme_code, e.period, e.kind
         FROM payment.payout_attempt a
         JOIN payment.entitlement e ON e.id = a.entitlement_id
         ${CREDITOR_JOINS}
        WHERE a.batch_id = $1 AND a.status <> 'planned'
        ORDER BY a.instruction_id`,
      [batchId],
    );
    const approvedAt: Date = batch.approved_at;
    const messageId = `AS${compactUuid(batch.id)}`;
    const xml = buildPain001({
      messageId,
      createdAt: approvedAt,
      initiatingParty: this.config.PAYER_NAME,
      debtor: { name: this.config.PAYER_NAME, accountNumber: this.config.PAYER_ACCOUNT_NUMBER, agentBin: this.config.PAYER_AGENT_BIN },
      paymentInformationId: `PI${compactUuid(batch.id)}`,
      requestedExecutionDate: vietnamDate(approvedAt),
      instructions: lines.map((line) => ({
        instructionId: line.instruction_id,
        endToEndId: line.entitlement_id,
        amountDong: BigInt(line.amount_dong),
        creditorName: line.full_name ?? '',
        creditorAccount: line.channel === 'cash' ? null : openCreditorAccountNumber(this.transportCipher, line),
        creditorAgentCode: line.institution_code,
        remittanceInformation: remittanceInformation(line),
      })),
    });
    return { fileName: `${messageId}.xml`, xml };
  }

  /**
   * Applies a pain.002 from the institution the caller's token is bound to. All or nothing: a file
   * that cannot be read changes nothing, and every line is applied in one transaction. A line for
   * an instruction that is not this institution's is answered as unknown, the same as one that does
   * not exist, so a bank cannot probe for other banks' instructions.
   */
  async applyPain002(xml: unknown, principal: Principal): Promise<Pain002Summary> {
    const institutionCode = institutionOf(principal)!;
    const report = parsePain002(typeof xml === 'string' ? xml : '');
    const fileSha256 = createHash('sha256').update(xml as string).digest('hex');
    const actor = `bank:${institutionCode}:file`;
    const reportedAt = new Date().toISOString();

    const { lines, totals } = await this.dataSource.transaction(async (manager) => {
      const outcomes: Pain002LineOutcome[] = [];
      for (const [index, transaction] of report.transactions.entries()) {
        const line = { line: index + 1, instructionId: transaction.instructionId, status: transaction.status, reasonCode: transaction.reasonCode };
        const [attempt]: Array<{ institution_code: string; amount_dong: string; status: string }> = UUID.test(transaction.instructionId)
          ? await manager.query(`SELECT institution_code, amount_dong::text, status FROM payment.payout_attempt WHERE instruction_id = $1`, [transaction.instructionId])
          : [];
        if (!attempt || attempt.institution_code !== institutionCode || attempt.status === 'planned') {
          const error = BankFileErrors.unknownInstruction();
          outcomes.push({ ...line, outcome: 'rejected', error: { code: error.code, message: error.message } });
          continue;
        }
        const result = resultOf(transaction, institutionCode, attempt.amount_dong, reportedAt);
        const outcome = await this.results.applyResult(result, institutionCode, actor, manager, false);
        outcomes.push({ ...line, reasonCode: result.reasonCode, outcome, error: null });
      }
      const totals = { applied: 0, repeat: 0, flagged: 0, rejected: 0 };
      for (const outcome of outcomes) totals[outcome.outcome] += 1;
      await this.audit.append(manager, {
        actor: `bank:${principal.sub}`,
        action: 'BANK_FILE_APPLIED',
        entityType: 'bank_file',
        entityId: fileSha256,
        details: { institutionCode, format: 'pain.002', originalMessageId: report.originalMessageId, groupStatus: report.groupStatus, ...totals },
      });
      return { lines: outcomes, totals };
    });
    return { originalMessageId: report.originalMessageId, institutionCode, fileSha256, lines, totals };
  }
}

/**
 * A pain.002 line as the result an institution would have published on Kafka. A refusal without a
 * reason, or with a code AnSinh has no rule for, is NARR (docs/banks.md §6) with the bank's code kept
 * in the text; a line without an amount reports the instructed one (OrgnlTxRef is optional in ISO).
 */
export function resultOf(transaction: Pain002Transaction, institutionCode: string, instructedDong: string, reportedAt: string): BankResult {
  let reasonCode: BankReasonCode | null = null;
  let reasonText = transaction.reasonText;
  if (transaction.status === 'rejected') {
    const known = transaction.reasonCode !== null && KNOWN_REASONS.has(transaction.reasonCode);
    reasonCode = known ? (transaction.reasonCode as BankReasonCode) : 'NARR';
    if (!known && transaction.reasonCode !== null) reasonText = `${transaction.reasonCode}${reasonText ? `: ${reasonText}` : ''}`;
  }
  return {
    instructionId: transaction.instructionId,
    institutionCode,
    status: transaction.status,
    reasonCode,
    reasonText: reasonCode === null ? null : (reasonText?.slice(0, 200) ?? null),
    amountDong: (transaction.amountDong ?? BigInt(instructedDong)).toString(),
    bankReference: transaction.bankReference?.slice(0, 64) ?? null,
    reportedAt,
    signature: null,
  };
}
