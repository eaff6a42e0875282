import { accountChangedV1, accountLinkedV1, accountRejectedV1, accountVerifiedV1, bankByBin, ewalletProviderByCode } from '@app/contracts';
import { coversArea, FieldCipher, isUniqueViolation, OutboxService, SERVICE_CONFIG, type Principal } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, Not, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { BeneficiaryErrors } from '../beneficiaries/beneficiary.errors';
import { BeneficiaryEntity } from '../beneficiaries/beneficiary.entity';
import type { BeneficiaryConfig } from '../config/beneficiary.config';
import { accountCipherContext, accountFingerprintInput, accountReference, laterOf, previousAccountReference } from './account-events';
import { AccountTransportSealer } from './account-transport-sealer';
import { planLink, subOfActor } from './account-rules';
import { AccountVerificationService } from './account-verification.service';
import { AccountErrors } from './account.errors';
import type { LinkAccountDto } from './dto/link-account.dto';
import { PaymentChannelListDto, PaymentChannelViewDto } from './dto/payment-channel-view.dto';
import type { ReviewAccountDto } from './dto/review-account.dto';
import { PaymentChannelEventEntity, type HistoryDetail } from './payment-channel-event.entity';
import { ACTIVE_PAYMENT_CHANNEL_STATUSES, PaymentChannelEntity, type PaymentChannelStatus } from './payment-channel.entity';

interface Institution {
  code: string;
  name: string;
  nameEnquirySupported: boolean;
}

/**
 * Accounts beneficiaries are paid into. Every operation locks the beneficiary's row first, so two
 * officers (or an officer and the verification worker) working on one person's accounts at once are
 * serialised rather than racing for a priority.
 */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: BeneficiaryConfig,
    private readonly outbox: OutboxService,
    private readonly cipher: FieldCipher,
    private readonly sealer: AccountTransportSealer,
    private readonly verification: AccountVerificationService,
  ) {}

  /**
   * Links an account with the beneficiary's consent. Replacing a verified account at the same priority
   * is a change: the old one stops being paid at once, the new one only after the cool-off (or a
   * supervisor's approval) and its own verification.
   */
  async link(beneficiaryId: string, input: LinkAccountDto, principal: Principal): Promise<PaymentChannelViewDto> {
    const institution = resolveInstitution(input);
    const actor = `${principal.role}:${principal.sub}`;
    const id = uuidv7();
    const fingerprint = this.cipher.fingerprint(accountFingerprintInput(input.channel, institution.code, input.accountNumber));
    let saved: PaymentChannelEntity;
    try {
      saved = await this.dataSource.transaction(async (manager) => {
        const beneficiary = await this.lockBeneficiary(manager, beneficiaryId, principal);
        if (beneficiary.status === 'ceased') throw AccountErrors.beneficiaryCeased();
        const active = await manager.find(PaymentChannelEntity, { where: { beneficiaryId, status: In([...ACTIVE_PAYMENT_CHANNEL_STATUSES]) } });
        if (active.some((account) => account.channel === input.channel && account.accountFingerprint === fingerprint)) throw AccountErrors.alreadyLinked();

        const now = new Date();
        const current = active.find((account) => account.priority === input.priority) ?? null;
        // A change whose new account the bank rejected leaves nothing active at the priority, but the
        // verified account it replaced is still the reference: the next link is a change of that one
        // (cool-off, notice), or linking a bad account first would be a way around the cool-off.
        const rejectedChange = current
          ? null
          : await manager.findOne(PaymentChannelEntity, {
              where: { beneficiaryId, priority: input.priority, status: 'rejected', replacesId: Not(IsNull()) },
              order: { createdAt: 'DESC' },
            });
        const plan = planLink(current ?? rejectedChange, now, this.config.ACCOUNT_CHANGE_COOL_OFF_HOURS);
        if (current) {
          // Before the insert: the database allows one active account per priority.
          await this.transition(manager, current, 'superseded', 'REPLACED', 'superseded', actor, { replacedBy: id, plan: plan.kind });
        }
        const account = manager.create(PaymentChannelEntity, {
          id,
          beneficiaryId,
          channel: input.channel,
          bankBin: input.channel === 'bank' ? institution.code : null,
          providerCode: input.channel === 'ewallet' ? institution.code : null,
          accountNumberCipher: this.cipher.encrypt(input.accountNumber, accountCipherContext(id)),
          accountLast4: input.accountNumber.slice(-4),
          accountFingerprint: fingerprint,
          holderNameFromBank: null,
          nameMatch: null,
          priority: input.priority,
          // Without a name-enquiry nothing can be checked automatically: straight to an officer's check.
          status: institution.nameEnquirySupported ? 'pending_verification' : 'pending_manual_check',
          statusReason: institution.nameEnquirySupported ? null : 'NAME_ENQUIRY_UNSUPPORTED',
          consentMethod: input.consent.method,
          consentBy: actor,
          consentAt: now,
          payableFrom: plan.payableFrom,
          replacesId: plan.replacesId,
          changeApprovedBy: null,
          changeApprovedAt: null,
          verificationRound: 0,
          verifiedAt: null,
          createdBy: actor,
          createdAt: now,
          updatedAt: now,
        });
        await manager.insert(PaymentChannelEntity, account);
        await this.history(manager, account, 'linked', null, actor, { plan: plan.kind, replacesId: plan.replacesId, consentMethod: input.consent.method });

        if (plan.kind === 'change') {
          const previous = plan.replacesId === current?.id ? current : await manager.findOneByOrFail(PaymentChannelEntity, { id: plan.replacesId! });
          // The notice to the previous account's holder is this event: the notification service will
          // consume it and write to them, so an unwanted change is noticed within the cool-off.
          await this.outbox.add(manager, accountChangedV1, beneficiaryId, {
            ...accountReference(account),
            status: account.status as 'pending_verification' | 'pending_manual_check',
            previous: previousAccountReference(previous),
            payableFrom: account.payableFrom.toISOString(),
            changedBy: actor,
            changedAt: now.toISOString(),
            approvedBy: null,
            approvedAt: null,
            accountNumberSealed: this.sealer.seal(account),
          });
        } else {
          await this.outbox.add(manager, accountLinkedV1, beneficiaryId, {
            ...accountReference(account),
            status: account.status as 'pending_verification' | 'pending_manual_check',
            consent: { method: account.consentMethod, recordedBy: actor, at: now.toISOString() },
            linkedBy: actor,
            linkedAt: now.toISOString(),
          });
        }
        return account;
      });
    } catch (error) {
      // The lock makes these unreachable in normal operation; the indexes are the last line.
      if (isUniqueViolation(error, 'payment_channel_account_key') || isUniqueViolation(error, 'payment_channel_priority_key')) {
        throw AccountErrors.alreadyLinked();
      }
      throw error;
    }
    if (saved.status === 'pending_verification') await this.verification.enqueue(saved);
    return PaymentChannelViewDto.of(saved);
  }

  /** Channels in use by priority, cash at the post office always last; then replaced and rejected ones. */
  async list(beneficiaryId: string, principal: Principal): Promise<PaymentChannelListDto> {
    withinArea(await this.dataSource.getRepository(BeneficiaryEntity).findOneBy({ id: beneficiaryId }), principal);
    const accounts = await this.dataSource.getRepository(PaymentChannelEntity).find({ where: { beneficiaryId }, order: { createdAt: 'DESC', id: 'DESC' } });
    const now = new Date();
    const active = accounts.filter((account) => isActive(account.status)).sort((a, b) => a.priority - b.priority);
    return {
      beneficiaryId,
      channels: [...active.map((account) => PaymentChannelViewDto.of(account, now)), PaymentChannelViewDto.cashAtPostOffice()],
      inactive: accounts.filter((account) => !isActive(account.status)).map((account) => PaymentChannelViewDto.of(account, now)),
    };
  }

  /** A supervisor, other than the person who made the change, waives the cool-off of a change. */
  async approveChange(beneficiaryId: string, accountId: string, principal: Principal): Promise<PaymentChannelViewDto> {
    const actor = `${principal.role}:${principal.sub}`;
    const saved = await this.dataSource.transaction(async (manager) => {
      const account = await this.lockAccount(manager, beneficiaryId, accountId, principal);
      if (subOfActor(account.createdBy) === principal.sub) throw AccountErrors.selfApproval();
      if (!isActive(account.status)) throw AccountErrors.notActive();
      if (!account.replacesId || account.changeApprovedAt) throw AccountErrors.notAPendingChange();
      const now = new Date();
      if (account.payableFrom.getTime() <= now.getTime()) throw AccountErrors.coolOffOver();
      const coolOffEnded = account.payableFrom;
      account.payableFrom = now;
      account.changeApprovedBy = actor;
      account.changeApprovedAt = now;
      account.updatedAt = now;
      await manager.save(account);
      await this.history(manager, account, 'change_approved', account.status, actor, { coolOffWouldHaveEnded: coolOffEnded.toISOString() });
      const previous = await manager.findOneByOrFail(PaymentChannelEntity, { id: account.replacesId });
      await this.outbox.add(manager, accountChangedV1, beneficiaryId, {
        ...accountReference(account),
        status: account.status as 'pending_verification' | 'pending_manual_check' | 'verified' | 'mismatch_review',
        previous: previousAccountReference(previous),
        payableFrom: now.toISOString(),
        changedBy: account.createdBy,
        changedAt: account.createdAt.toISOString(),
        approvedBy: actor,
        approvedAt: now.toISOString(),
        accountNumberSealed: this.sealer.seal(account),
      });
      return account;
    });
    return PaymentChannelViewDto.of(saved);
  }

  /** Runs the name-enquiry again, e.g. after the registry name was corrected or the bank was down. */
  async requestVerification(beneficiaryId: string, accountId: string, principal: Principal): Promise<PaymentChannelViewDto> {
    const actor = `${principal.role}:${principal.sub}`;
    const saved = await this.dataSource.transaction(async (manager) => {
      const account = await this.lockAccount(manager, beneficiaryId, accountId, principal);
      if (!isActive(account.status)) throw AccountErrors.notActive();
      const institution = institutionOf(account);
      if (!institution.nameEnquirySupported) throw AccountErrors.nameEnquiryUnsupported(institution.name);
      // A verified account is being paid: re-checking it would stop payments without a decision.
      if (account.status === 'verified') throw AccountErrors.notVerifiable(account.status);
      account.verificationRound += 1;
      await this.transition(manager, account, 'pending_verification', 'VERIFICATION_REQUESTED', 'verification_requested', actor, { round: account.verificationRound });
      return account;
    });
    await this.verification.enqueue(saved);
    return PaymentChannelViewDto.of(saved);
  }

  /**
   * A supervisor decides an account no name-enquiry could confirm: a name mismatch, or a bank without
   * name-enquiry (VBSP). Not the officer who linked it: one person alone cannot route money to an account.
   */
  async review(beneficiaryId: string, accountId: string, input: ReviewAccountDto, principal: Principal): Promise<PaymentChannelViewDto> {
    const actor = `${principal.role}:${principal.sub}`;
    const saved = await this.dataSource.transaction(async (manager) => {
      const account = await this.lockAccount(manager, beneficiaryId, accountId, principal);
      if (subOfActor(account.createdBy) === principal.sub) throw AccountErrors.selfApproval();
      if (account.status !== 'mismatch_review' && account.status !== 'pending_manual_check') throw AccountErrors.nothingToReview(account.status);
      const now = new Date();
      const verification = { method: 'manual_review' as const, nameMatch: account.nameMatch };
      const detail = { decision: input.decision, note: input.note };
      if (input.decision === 'confirm') {
        account.verifiedAt = now;
        await this.transition(manager, account, 'verified', 'CONFIRMED_ON_REVIEW', 'reviewed', actor, detail);
        await this.outbox.add(manager, accountVerifiedV1, beneficiaryId, {
          ...accountReference(account),
          verification,
          verifiedBy: actor,
          verifiedAt: now.toISOString(),
          payableFrom: laterOf(account.payableFrom, now).toISOString(),
          accountNumberSealed: this.sealer.seal(account),
        });
      } else {
        const reasonCode = account.status === 'mismatch_review' ? 'NAME_MISMATCH' : 'MANUAL_CHECK_FAILED';
        await this.transition(manager, account, 'rejected', reasonCode, 'reviewed', actor, detail);
        await this.outbox.add(manager, accountRejectedV1, beneficiaryId, {
          ...accountReference(account),
          reasonCode,
          verification,
          rejectedBy: actor,
          rejectedAt: now.toISOString(),
        });
      }
      return account;
    });
    return PaymentChannelViewDto.of(saved);
  }

  private async lockBeneficiary(manager: EntityManager, beneficiaryId: string, principal: Principal): Promise<BeneficiaryEntity> {
    // Always the beneficiary first, then its accounts (the verification worker does the same), so two
    // transactions never wait on each other in opposite order. NO KEY UPDATE: it still serialises
    // account work per beneficiary, but does not block the foreign-key checks of inserts that
    // reference the beneficiary (history, other tables).
    return withinArea(await manager.findOne(BeneficiaryEntity, { where: { id: beneficiaryId }, lock: { mode: 'for_no_key_update' } }), principal);
  }

  private async lockAccount(manager: EntityManager, beneficiaryId: string, accountId: string, principal: Principal): Promise<PaymentChannelEntity> {
    await this.lockBeneficiary(manager, beneficiaryId, principal);
    const account = await manager.findOne(PaymentChannelEntity, { where: { id: accountId, beneficiaryId }, lock: { mode: 'pessimistic_write' } });
    if (!account) throw AccountErrors.notFound();
    return account;
  }

  private async transition(
    manager: EntityManager,
    account: PaymentChannelEntity,
    to: PaymentChannelStatus,
    reason: string,
    kind: PaymentChannelEventEntity['kind'],
    actor: string,
    detail: HistoryDetail,
  ): Promise<void> {
    const from = account.status;
    account.status = to;
    account.statusReason = reason;
    account.updatedAt = new Date();
    await manager.save(account);
    await this.history(manager, account, kind, from, actor, { ...detail, reason });
  }

  private async history(
    manager: EntityManager,
    account: PaymentChannelEntity,
    kind: PaymentChannelEventEntity['kind'],
    from: PaymentChannelStatus | null,
    actor: string,
    detail: HistoryDetail,
  ): Promise<void> {
    await manager.insert(PaymentChannelEventEntity, { paymentChannelId: account.id, beneficiaryId: account.beneficiaryId, kind, fromStatus: from, toStatus: account.status, detail, actor });
  }
}

function isActive(status: PaymentChannelStatus): boolean {
  return ACTIVE_PAYMENT_CHANNEL_STATUSES.includes(status);
}

/** The bank or provider named by the request, from the reference list; anything else is refused before any write. */
function resolveInstitution(input: LinkAccountDto): Institution {
  if (input.channel === 'bank') {
    if (!input.bankBin || input.providerCode !== undefined) throw AccountErrors.institutionMismatch();
    const bank = bankByBin(input.bankBin);
    if (!bank) throw AccountErrors.unknownBank(input.bankBin);
    return { code: bank.bin, name: bank.shortName, nameEnquirySupported: bank.nameEnquirySupported };
  }
  if (!input.providerCode || input.bankBin !== undefined) throw AccountErrors.institutionMismatch();
  const provider = ewalletProviderByCode(input.providerCode);
  if (!provider) throw AccountErrors.unknownProvider(input.providerCode);
  // E-wallets and mobile money are opened on, and identified by, the holder's mobile number.
  if (!/^0\d{9}$/.test(input.accountNumber)) throw AccountErrors.invalidWalletNumber();
  return { code: provider.code, name: provider.shortName, nameEnquirySupported: provider.nameEnquirySupported };
}

function institutionOf(account: PaymentChannelEntity): Institution {
  const reference = account.bankBin ? bankByBin(account.bankBin) : ewalletProviderByCode(account.providerCode ?? '');
  return {
    code: account.bankBin ?? account.providerCode ?? '',
    name: reference?.shortName ?? account.bankBin ?? account.providerCode ?? '',
    nameEnquirySupported: reference?.nameEnquirySupported ?? false,
  };
}

/** The beneficiary whose accounts are asked for, if it exists and the caller's area covers it. */
function withinArea(beneficiary: BeneficiaryEntity | null, principal: Principal): BeneficiaryEntity {
  if (!beneficiary) throw BeneficiaryErrors.notFound();
  if (!coversArea(principal, beneficiary)) throw BeneficiaryErrors.outOfArea();
  return beneficiary;
}
