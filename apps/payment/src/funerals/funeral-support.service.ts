import { accountTransportContext, CASH_INSTITUTION_CODE, maskCccd } from '@app/contracts';
import { AuditTrailService, coversArea, DomainError, FieldCipher, SERVICE_CONFIG, type Principal } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { PaymentConfig } from '../config/payment.config';
import { funeralSupport } from '../entitlements/allowance-rules';
import { loadFuneralRules, loadRuleTables, STATUS_BEFORE_CEASE_SQL } from '../entitlements/rule-tables';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';
import type { RecordFuneralClaimDto } from './dto/record-funeral-claim.dto';
import { claimViolations } from './funeral-claim.rules';

export interface FuneralSupportView {
  entitlementId: string;
  cycleId: string;
  beneficiaryId: string;
  programmeCode: string;
  period: string;
  amountDong: string;
  status: string;
  claim: null | { claimantCccdMasked: string; relationship: string; channel: string; institutionCode: string; accountNumberMasked: string | null; recordedBy: string; recordedAt: string };
}

/**
 * The one-off funeral support a death opens (Decree 20/2021/NĐ-CP Art. 11), paid to whoever organises
 * the funeral — never into the deceased's accounts, which the bank freezes. It lives in a cycle of its
 * own so it is prepared, approved and balanced like any other payout, and waits (awaiting_claim,
 * counted as awaiting) until an officer of the area records the claimant.
 */
@Injectable()
export class FuneralSupportService {
  private readonly transportCipher: FieldCipher;

  constructor(
    @Inject(SERVICE_CONFIG) config: PaymentConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: PayoutLedgerService,
    private readonly audit: AuditTrailService,
  ) {
    this.transportCipher = FieldCipher.fromBase64(config.ACCOUNT_TRANSPORT_KEY);
  }

  /**
   * Opens the funeral support of a deceased payee once both the registration and the death are known,
   * whichever arrived first. Idempotent: the cycle's one-off key and the entitlement's one-funeral index
   * make a redelivered or repeated death change nothing.
   */
  async openIfDue(manager: EntityManager, beneficiaryId: string, actor: string): Promise<string | null> {
    const [payee]: Array<{ programme_code: string; province_code: string; commune_code: string; status_before_cease: string | null; date_of_death: string | null }> = await manager.query(
      `SELECT p.programme_code, p.province_code, p.commune_code, ${STATUS_BEFORE_CEASE_SQL} AS status_before_cease,
              (SELECT c.effective_date::text FROM payment.payee_status_change c
                WHERE c.beneficiary_id = p.beneficiary_id AND c.to_status = 'ceased' AND c.reason_code = 'DECEASED'
                ORDER BY c.occurred_at DESC, c.event_id DESC LIMIT 1) AS date_of_death
         FROM payment.payee p
        WHERE p.beneficiary_id = $1 AND p.status = 'ceased' AND p.cease_reason = 'DECEASED'`,
      [beneficiaryId],
    );
    // only someone the registry had confirmed and was paying ("đang hưởng") opens it
    if (!payee?.date_of_death || !['active', 'suspended'].includes(payee.status_before_cease ?? '')) return null;
    const support = funeralSupport(
      (await loadRuleTables(manager, payee.programme_code)).levels,
      await loadFuneralRules(manager, payee.programme_code),
      payee.programme_code,
      payee.province_code,
      payee.date_of_death,
    );
    if (!support.ok) return null;

    const cycleId = uuidv7();
    const period = payee.date_of_death.slice(0, 7);
    const created = await manager.query(
      `INSERT INTO payment.payout_cycle (id, kind, one_off_key, programme_code, province_code, commune_code, period, status, entitled_count, entitled_dong, excluded_count, created_by)
       VALUES ($1, 'funeral', $2, $3, $4, $5, $6, 'generated', 1, $7, 0, $8) ON CONFLICT DO NOTHING RETURNING id`,
      [cycleId, `funeral:${beneficiaryId}`, payee.programme_code, payee.province_code, payee.commune_code, period, support.amountDong.toString(), actor],
    );
    if (created.length === 0) return null;
    const entitlementId = uuidv7();
    await manager.query(
      `INSERT INTO payment.entitlement (id, cycle_id, beneficiary_id, programme_code, period, kind, amount_dong, level_dong, coefficient_milli, province_code, commune_code, status)
       VALUES ($1, $2, $3, $4, $5, 'funeral', $6, $7, $8, $9, $10, 'awaiting_claim')`,
      [entitlementId, cycleId, beneficiaryId, payee.programme_code, period, support.amountDong.toString(), support.levelDong.toString(), support.levelMultiple * 1000, payee.province_code, payee.commune_code],
    );
    const detail = { dateOfDeath: payee.date_of_death, levelDong: support.levelDong.toString(), levelMultiple: support.levelMultiple, amountDong: support.amountDong.toString() };
    await this.ledger.apply(manager, [{ entitlementId, kind: 'opened', actor, detail }]);
    await this.audit.append(manager, { actor, action: 'FUNERAL_SUPPORT_OPENED', entityType: 'entitlement', entityId: entitlementId, details: { beneficiaryId, cycleId, ...detail } });
    return entitlementId;
  }

  /** The officer's record of who organises the funeral and how they are paid; the payout then waits for a batch. */
  async recordClaim(entitlementId: string, input: RecordFuneralClaimDto, principal: Principal): Promise<FuneralSupportView> {
    const actor = `${principal.role}:${principal.sub}`;
    const violations = claimViolations({ ...input.claimant, ...input.payTo }, new Date().toISOString().slice(0, 10));
    if (violations.length > 0) throw new DomainError(violations[0].code, violations[0].message, 'validation', { violations });
    await this.dataSource.transaction(async (manager) => {
      const entitlement = await this.funeralFor(manager, entitlementId, principal);
      const heads = await this.ledger.lock(manager, [entitlementId]);
      if (heads.get(entitlementId)!.status !== 'awaiting_claim') {
        throw new DomainError('PAYMENT.FUNERAL_ALREADY_CLAIMED', 'Khoản hỗ trợ mai táng này đã ghi nhận người nhận.', 'conflict');
      }
      const payTo = input.payTo;
      const accountId = payTo.channel === 'cash' ? null : uuidv7();
      const masked = payTo.accountNumber ? `****${payTo.accountNumber.slice(-4)}` : null;
      const sealed = accountId && payTo.accountNumber ? this.transportCipher.encrypt(payTo.accountNumber, accountTransportContext(accountId)).toString('base64') : null;
      const institutionCode = payTo.channel === 'cash' ? CASH_INSTITUTION_CODE : payTo.institutionCode!;
      await manager.query(
        `INSERT INTO payment.funeral_claim (entitlement_id, claimant_full_name, claimant_cccd, claimant_date_of_birth, claimant_gender, relationship, channel, institution_code, account_id, account_number_masked, account_number_sealed, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())`,
        [entitlementId, input.claimant.fullName, input.claimant.cccd, input.claimant.dateOfBirth, input.claimant.gender, input.claimant.relationship, payTo.channel, institutionCode, accountId, masked, sealed, actor],
      );
      const detail = { relationship: input.claimant.relationship, claimantCccdMasked: maskCccd(input.claimant.cccd), channel: payTo.channel, institutionCode, accountNumberMasked: masked };
      await this.ledger.apply(manager, [{ entitlementId, kind: 'claim_recorded', toStatus: 'awaiting_approval', actor, detail }], heads);
      await this.audit.append(manager, { actor, action: 'FUNERAL_CLAIM_RECORDED', entityType: 'entitlement', entityId: entitlementId, details: { beneficiaryId: entitlement.beneficiary_id, ...detail } });
    });
    return this.get(entitlementId, principal);
  }

  async get(entitlementId: string, principal: Principal): Promise<FuneralSupportView> {
    const entitlement = await this.funeralFor(this.dataSource.manager, entitlementId, principal);
    const [claim] = await this.dataSource.query(`SELECT * FROM payment.funeral_claim WHERE entitlement_id = $1`, [entitlementId]);
    return {
      entitlementId,
      cycleId: entitlement.cycle_id,
      beneficiaryId: entitlement.beneficiary_id,
      programmeCode: entitlement.programme_code,
      period: entitlement.period,
      amountDong: entitlement.amount_dong,
      status: entitlement.status,
      claim: claim
        ? {
            claimantCccdMasked: maskCccd(claim.claimant_cccd),
            relationship: claim.relationship,
            channel: claim.channel,
            institutionCode: claim.institution_code,
            accountNumberMasked: claim.account_number_masked,
            recordedBy: claim.recorded_by,
            recordedAt: (claim.recorded_at as Date).toISOString(),
          }
        : null,
    };
  }

  private async funeralFor(manager: EntityManager, entitlementId: string, principal: Principal) {
    const [entitlement]: Array<{ cycle_id: string; beneficiary_id: string; programme_code: string; period: string; amount_dong: string; status: string; province_code: string; commune_code: string }> = await manager.query(
      `SELECT cycle_id, beneficiary_id, programme_code, period, amount_dong::text, status, province_code, commune_code FROM payment.entitlement WHERE id = $1 AND kind = 'funeral'`,
      [entitlementId],
    );
    if (!entitlement) throw new DomainError('PAYMENT.FUNERAL_SUPPORT_NOT_FOUND', 'Không tìm thấy khoản hỗ trợ mai táng.', 'not_found');
    if (!coversArea(principal, { provinceCode: entitlement.province_code, communeCode: entitlement.commune_code })) {
      throw new DomainError('AUTH.OUT_OF_AREA', 'Khoản hỗ trợ thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden');
    }
    return entitlement;
  }
}
