import {
  COMMUNES_2025,
  instructionIssuedV1,
  payoutSentV1,
  signPayloadOnPool,
  type PayloadOf,
} from '@app/contracts';
import { FieldCipher, OutboxService, SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { PaymentConfig } from '../config/payment.config';
import { attemptFields, payoutFields } from '../payouts/payout-events';
import { CREDITOR_COLUMNS, CREDITOR_JOINS, openCreditorAccountNumber } from './attempt-creditor';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';

interface AttemptToSend {
  instruction_id: string;
  entitlement_id: string;
  attempt_number: number;
  approval_batch_id: string;
  channel: 'bank' | 'ewallet' | 'cash';
  institution_code: string;
  account_id: string | null;
  account_number_masked: string | null;
  amount_dong: string;
  send_count: number;
  beneficiary_id: string;
  cycle_id: string | null;
  programme_code: string;
  period: string;
  kind: 'monthly' | 'arrears' | 'funeral';
  province_code: string;
  commune_code: string;
  full_name: string | null;
  cccd: string;
  account_number_sealed: string | null;
}

/** Lines of an approved batch signed and written to the outbox per transaction. */
export const DISPATCH_CHUNK = 5_000;

const KIND_TEXT = { monthly: 'tro cap hang thang', arrears: 'truy linh', funeral: 'ho tro mai tang' } as const;

/** The statement line of a payout, the same in Kafka instructions and pain.001 files. */
export function remittanceInformation(payout: { programme_code: string; period: string; kind: keyof typeof KIND_TEXT }): string {
  return `AnSinh ${payout.programme_code} ${payout.period} ${KIND_TEXT[payout.kind]}`;
}

/** Today's date in Vietnam (UTC+7, no daylight saving), as banks' value dates are. */
export function vietnamDate(at: Date, plusDays = 0): string {
  return new Date(at.getTime() + 7 * 3_600_000 + plusDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Turns attempts into signed instructions on each institution's own topic, through the outbox of the
 * caller's transaction. The account number is opened here and nowhere else, and goes only into the
 * instruction for the institution that holds the account.
 */
@Injectable()
export class InstructionDispatcherService {
  private readonly transportCipher: FieldCipher;
  private readonly signingKey: KeyObject;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly ledger: PayoutLedgerService,
  ) {
    this.transportCipher = FieldCipher.fromBase64(config.ACCOUNT_TRANSPORT_KEY);
    this.signingKey = createPrivateKey({ key: Buffer.from(config.INSTRUCTION_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' });
  }

  /**
   * Sends what an approval decided and has not been sent yet, a chunk per transaction: the relay
   * publishes the first instructions while later ones are still being signed, and no transaction
   * holds a whole batch's outbox rows. Rows are claimed with SKIP LOCKED, so the approving request
   * and the payout sweep (after a crash) can both run it and each line is sent once. The batch is
   * complete when no approved line is left unsent.
   */
  async sendApprovedLines(batchId: string, actor: string): Promise<number> {
    let sent = 0;
    for (;;) {
      const count = await this.dataSource.transaction(async (manager) => {
        const lines: Array<{ instruction_id: string }> = await manager.query(
          `SELECT a.instruction_id
             FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id
            WHERE a.batch_id = $1 AND a.status = 'planned' AND e.status = 'in_flight'
            ORDER BY a.instruction_id LIMIT ${DISPATCH_CHUNK}
              FOR UPDATE OF a SKIP LOCKED`,
          [batchId],
        );
        return this.send(manager, lines.map((line) => line.instruction_id), actor);
      });
      sent += count;
      if (count < DISPATCH_CHUNK) break;
    }
    // a line another worker still holds keeps the batch open; that worker completes it
    await this.dataSource.query(
      `UPDATE payment.payout_batch b SET dispatch_completed_at = now()
        WHERE b.id = $1 AND b.status = 'dispatched' AND b.dispatch_completed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id
                           WHERE a.batch_id = b.id AND a.status = 'planned' AND e.status = 'in_flight')`,
      [batchId],
    );
    return sent;
  }

  async send(manager: EntityManager, instructionIds: readonly string[], actor: string): Promise<number> {
    if (instructionIds.length === 0) return 0;
    const attempts: AttemptToSend[] = await manager.query(
      `SELECT a.instruction_id, a.entitlement_id, a.attempt_number, a.channel, a.institution_code, a.account_id, a.account_number_masked,
              a.amount_dong::text, a.send_count,
              (SELECT f.batch_id FROM payment.payout_attempt f WHERE f.entitlement_id = a.entitlement_id AND f.attempt_number = 1) AS approval_batch_id,
              e.beneficiary_id, e.cycle_id, e.programme_code, e.period, e.kind, e.province_code, e.commune_code,
              ${CREDITOR_COLUMNS}
         FROM payment.payout_attempt a
         JOIN payment.entitlement e ON e.id = a.entitlement_id
         ${CREDITOR_JOINS}
        WHERE a.instruction_id = ANY($1::uuid[])
        ORDER BY a.instruction_id`,
      [instructionIds],
    );
    const now = new Date();
    const byInstitution = new Map<string, Array<{ aggregateId: string; payload: PayloadOf<ReturnType<typeof instructionIssuedV1>> }>>();
    const firstSends: Array<{ aggregateId: string; payload: PayloadOf<typeof payoutSentV1> }> = [];
    const unsigned = attempts.map((attempt) => ({
          instructionId: attempt.instruction_id,
          endToEndId: attempt.entitlement_id,
          batchId: attempt.approval_batch_id,
          institutionCode: attempt.institution_code,
          channel: attempt.channel,
          amountDong: attempt.amount_dong,
          currency: 'VND' as const,
          creditor: {
            name: attempt.full_name ?? '',
            accountNumber: attempt.channel === 'cash' ? null : openCreditorAccountNumber(this.transportCipher, attempt),
            cccd: attempt.channel === 'cash' ? attempt.cccd : null,
            provinceCode: attempt.province_code,
            communeCode: attempt.commune_code,
          },
          remittanceInformation: remittanceInformation(attempt),
          requestedExecutionDate: vietnamDate(now),
          sendSequence: attempt.send_count + 1,
          issuedAt: now.toISOString(),
    }));
    // Signed on the thread pool, all of the chunk at once: the event loop meanwhile relays and applies results.
    const signed = await Promise.all(unsigned.map((payload) => signPayloadOnPool(payload, this.signingKey, this.config.INSTRUCTION_SIGNING_KEY_ID)));
    attempts.forEach((attempt, index) => {
      const payload = signed[index];
      const list = byInstitution.get(attempt.institution_code) ?? [];
      list.push({ aggregateId: attempt.instruction_id, payload });
      byInstitution.set(attempt.institution_code, list);
      if (attempt.send_count === 0) firstSends.push({ aggregateId: attempt.entitlement_id, payload: this.sentEvent(attempt, now) });
    });
    for (const [institutionCode, events] of byInstitution) await this.outbox.addMany(manager, instructionIssuedV1(institutionCode), events);
    await this.outbox.addMany(manager, payoutSentV1, firstSends);
    await manager.query(
      `UPDATE payment.payout_attempt SET status = 'sent', send_count = send_count + 1, last_sent_at = $2 WHERE instruction_id = ANY($1::uuid[])`,
      [attempts.map((attempt) => attempt.instruction_id), now],
    );
    await this.ledger.apply(
      manager,
      attempts.map((attempt) => ({
        entitlementId: attempt.entitlement_id,
        kind: attempt.send_count === 0 ? 'sent' : 'resent',
        toStatus: 'in_flight',
        instructionId: attempt.instruction_id,
        actor,
        detail: { institutionCode: attempt.institution_code, channel: attempt.channel, sendSequence: attempt.send_count + 1 },
      })),
    );
    return attempts.length;
  }

  private sentEvent(attempt: AttemptToSend, now: Date): PayloadOf<typeof payoutSentV1> {
    const commune = COMMUNES_2025[attempt.commune_code];
    return {
      ...payoutFields(attempt),
      ...attemptFields(attempt),
      cashCollection:
        attempt.channel === 'cash'
          ? {
              place: `Bưu điện ${commune ? commune[1] : `xã ${attempt.commune_code}`}`,
              availableFrom: vietnamDate(now),
              availableUntil: vietnamDate(now, this.config.CASH_COLLECTION_DAYS),
            }
          : null,
      sentAt: now.toISOString(),
    };
  }
}
