import { z } from 'zod';
import { bankBinSchema } from '../../values/bank';
import { accountNumberMaskedSchema, ewalletProviderCodeSchema, PAYMENT_CHANNELS } from '../../values/banks';

/** How the beneficiary's consent to be paid into an account was given (who recorded it and when travel with it). */
export const CONSENT_METHODS = ['paper_form', 'vneid', 'in_person'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/** Results of matchPersonName (values/vietnamese-name.ts), as they travel in events. */
export const NAME_MATCH_RESULTS = ['exact', 'reordered', 'one-typo', 'mismatch'] as const;

/**
 * Identifies a linked account in every account event. The account number itself never travels in
 * these events: only its last four digits, behind a fixed-width mask. A bank receives the full number
 * in its own payment instruction, nowhere else.
 */
export const paymentAccountFields = {
  accountId: z.uuid(),
  beneficiaryId: z.uuid(),
  channel: z.enum(PAYMENT_CHANNELS),
  /** Set for bank accounts, null for e-wallets. */
  bankBin: bankBinSchema.nullable(),
  /** Set for e-wallets / mobile money, null for bank accounts. */
  providerCode: ewalletProviderCodeSchema.nullable(),
  accountNumberMasked: accountNumberMaskedSchema,
  /** 1 is tried first; cash at the post office always comes after every linked account. */
  priority: z.number().int().min(1).max(9),
};

/**
 * The full account number sealed for the payment service only: base64 of AES-256-GCM under the key the
 * beneficiary and payment services share (ACCOUNT_TRANSPORT_KEY), associated data `account:<accountId>`.
 * Any other consumer sees ciphertext; payment opens it only to write the paying bank's instruction.
 */
export const accountNumberSealedSchema = z.string().regex(/^[A-Za-z0-9+/]{40,200}={0,2}$/, 'số tài khoản niêm phong (base64)');

export function accountTransportContext(accountId: string): string {
  return `account:${accountId}`;
}

export const accountVerificationSchema = z
  .object({
    method: z.enum(['name_enquiry', 'manual_review']),
    /** Null when no name-enquiry answered (a bank without it, or an account the bank does not know). */
    nameMatch: z.enum(NAME_MATCH_RESULTS).nullable(),
  })
  .strict();

/** A bank account has a BIN and no provider; an e-wallet the reverse. */
export function institutionMatchesChannel(account: { channel: string; bankBin: string | null; providerCode: string | null }): boolean {
  return account.channel === 'bank' ? account.bankBin !== null && account.providerCode === null : account.providerCode !== null && account.bankBin === null;
}

export const INSTITUTION_MISMATCH = { message: 'bankBin is set for bank accounts only, providerCode for e-wallets only', path: ['channel'] };
