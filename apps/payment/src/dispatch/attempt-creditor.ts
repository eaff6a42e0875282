import { accountTransportContext } from '@app/contracts';
import type { FieldCipher } from '@app/platform';

/**
 * Who an attempt pays, as SQL over `payout_attempt a` and `entitlement e`: the payee, except for a funeral
 * support, whose creditor is the person who organises the funeral and never the deceased. The Kafka
 * instruction and the pain.001 file read it from here, so the two can never name different people.
 */
export const CREDITOR_COLUMNS = `coalesce(fc.claimant_full_name, p.full_name) AS full_name, coalesce(fc.claimant_cccd, p.cccd) AS cccd,
              coalesce(acc.account_number_sealed, fc.account_number_sealed) AS account_number_sealed`;

export const CREDITOR_JOINS = `JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id
         LEFT JOIN payment.payee_account acc ON acc.account_id = a.account_id
         LEFT JOIN payment.funeral_claim fc ON fc.entitlement_id = e.id`;

export interface SealedCreditorAccount {
  instruction_id: string;
  account_id: string | null;
  account_number_sealed: string | null;
}

/** The account number in clear, only to put it in the instruction for the paying institution. */
export function openCreditorAccountNumber(cipher: FieldCipher, attempt: SealedCreditorAccount): string {
  if (!attempt.account_number_sealed || !attempt.account_id) throw new Error(`attempt ${attempt.instruction_id} has no sealed account number`);
  return cipher.decrypt(Buffer.from(attempt.account_number_sealed, 'base64'), accountTransportContext(attempt.account_id));
}
