import { accountRejectedV1, accountVerifiedV1 } from '@app/contracts';
import { FieldCipher, OutboxService, traced } from '@app/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { BeneficiaryEntity } from '../beneficiaries/beneficiary.entity';
import { accountCipherContext, accountReference, laterOf } from './account-events';
import { AccountTransportSealer } from './account-transport-sealer';
import { ACCOUNT_QUEUE, AccountJob, nameEnquiryJobId, type NameEnquiryJobData } from './account-queue';
import { outcomeOfEnquiry } from './account-rules';
import { BankNameEnquiryClient } from './bank-name-enquiry.client';
import { PaymentChannelEventEntity } from './payment-channel-event.entity';
import { PaymentChannelEntity } from './payment-channel.entity';

const NAME_ENQUIRY_ACTOR = 'system:name-enquiry';
const SWEEP_BATCH = 1_000;
// Accounts queued by their own request are left to that job for a while before the sweep steps in.
const SWEEP_GRACE = '2 minutes';

/**
 * Name verification of linked accounts: the bank's name-enquiry against the registry name. Runs in
 * the queue's worker, never in a request: banks are slow and sometimes down, and a bank outage must
 * delay verification, not fail the officer's request or reject the account.
 */
@Injectable()
export class AccountVerificationService {
  private readonly logger = new Logger(AccountVerificationService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(ACCOUNT_QUEUE) private readonly queue: Queue<NameEnquiryJobData>,
    private readonly bank: BankNameEnquiryClient,
    private readonly cipher: FieldCipher,
    private readonly sealer: AccountTransportSealer,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Queues the enquiry once the link has committed. If Redis refuses, the account stays
   * pending_verification and the periodic sweep queues it: the officer's request still succeeds.
   */
  async enqueue(account: Pick<PaymentChannelEntity, 'id' | 'verificationRound'>): Promise<void> {
    try {
      await this.queue.add(AccountJob.NameEnquiry, traced({ accountId: account.id }), { jobId: nameEnquiryJobId(account.id, account.verificationRound) });
    } catch (error) {
      this.logger.warn({ err: error, accountId: account.id }, 'name-enquiry not queued; the sweep will queue it');
    }
  }

  /** One enquiry. A bank outage throws, so the job is retried with backoff; every other answer is final. */
  async verify(accountId: string): Promise<PaymentChannelEntity['status'] | 'skipped'> {
    const account = await this.dataSource.getRepository(PaymentChannelEntity).findOneBy({ id: accountId });
    if (!account || account.status !== 'pending_verification') return 'skipped';
    const beneficiary = await this.dataSource.getRepository(BeneficiaryEntity).findOneByOrFail({ id: account.beneficiaryId });
    const accountNumber = this.cipher.decrypt(account.accountNumberCipher, accountCipherContext(account.id));
    // Outside any transaction: no row stays locked while a bank thinks.
    const answer = await this.bank.enquire({ channel: account.channel, institution: account.bankBin ?? account.providerCode!, accountNumber });
    const outcome = outcomeOfEnquiry(beneficiary.fullName, answer);

    return this.dataSource.transaction(async (manager) => {
      // The lock order of every account operation: beneficiary, then account (see AccountsService).
      await manager.findOne(BeneficiaryEntity, { where: { id: account.beneficiaryId }, lock: { mode: 'for_no_key_update' } });
      const current = await manager.findOne(PaymentChannelEntity, { where: { id: accountId }, lock: { mode: 'pessimistic_write' } });
      // Superseded, reviewed or answered by another job meanwhile: that decision stands.
      if (current?.status !== 'pending_verification') return 'skipped';
      const now = new Date();
      current.status = outcome.status;
      current.statusReason = outcome.reason;
      current.nameMatch = outcome.nameMatch;
      current.holderNameFromBank = answer.outcome === 'found' ? answer.holderName : null;
      current.verifiedAt = outcome.status === 'verified' ? now : null;
      current.updatedAt = now;
      await manager.save(current);
      await manager.insert(PaymentChannelEventEntity, {
        paymentChannelId: current.id,
        beneficiaryId: current.beneficiaryId,
        kind: 'name_enquiry',
        fromStatus: 'pending_verification',
        toStatus: outcome.status,
        detail: { answer: answer.outcome, nameMatch: outcome.nameMatch, reason: outcome.reason },
        actor: NAME_ENQUIRY_ACTOR,
      });
      const verification = { method: 'name_enquiry' as const, nameMatch: outcome.nameMatch };
      if (outcome.status === 'verified') {
        await this.outbox.add(manager, accountVerifiedV1, current.beneficiaryId, {
          ...accountReference(current),
          verification,
          verifiedBy: NAME_ENQUIRY_ACTOR,
          verifiedAt: now.toISOString(),
          payableFrom: laterOf(current.payableFrom, now).toISOString(),
          accountNumberSealed: this.sealer.seal(current),
        });
      } else if (outcome.status === 'rejected') {
        await this.outbox.add(manager, accountRejectedV1, current.beneficiaryId, {
          ...accountReference(current),
          reasonCode: outcome.reason as 'ACCOUNT_NOT_FOUND' | 'ACCOUNT_CLOSED',
          verification,
          rejectedBy: NAME_ENQUIRY_ACTOR,
          rejectedAt: now.toISOString(),
        });
      }
      // A mismatch publishes nothing yet: the account is not payable either way until a supervisor decides.
      return outcome.status;
    });
  }

  /** After the last retry: the history says the bank could not be asked; the account stays pending. */
  async recordEnquiryFailure(accountId: string, reason: string): Promise<void> {
    const account = await this.dataSource.getRepository(PaymentChannelEntity).findOneBy({ id: accountId });
    if (account?.status !== 'pending_verification') return;
    await this.dataSource.getRepository(PaymentChannelEventEntity).insert({
      paymentChannelId: account.id,
      beneficiaryId: account.beneficiaryId,
      kind: 'name_enquiry_failed',
      fromStatus: 'pending_verification',
      toStatus: 'pending_verification',
      detail: { reason: reason.slice(0, 500) },
      actor: NAME_ENQUIRY_ACTOR,
    });
  }

  /** Queues accounts waiting for an enquiry that no job holds any more (queueing lost, or every retry failed). */
  async sweep(): Promise<number> {
    const rows: Array<{ id: string; verification_round: number }> = await this.dataSource.query(
      `SELECT id, verification_round FROM beneficiary.payment_channel
        WHERE status = 'pending_verification' AND updated_at < now() - interval '${SWEEP_GRACE}'
        ORDER BY updated_at LIMIT $1`,
      [SWEEP_BATCH],
    );
    const hour = Math.floor(Date.now() / 3_600_000);
    await this.queue.addBulk(
      rows.map((row) => ({
        name: AccountJob.NameEnquiry,
        data: traced({ accountId: row.id }),
        opts: { jobId: nameEnquiryJobId(row.id, row.verification_round, hour) },
      })),
    );
    return rows.length;
  }
}
