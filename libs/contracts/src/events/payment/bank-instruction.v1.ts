import { z } from 'zod';
import { cccdSchema } from '../../values/cccd';
import { dongSchema } from '../../values/money';
import { institutionCodeSchema, PAYOUT_CHANNELS } from '../../values/paying-institution';
import { defineEvent, type EventDefinition } from '../event-definition';
import { BANK_REASON_CODE_LIST } from './bank-reason-codes';

const signatureSchema = z
  .object({
    algorithm: z.literal('Ed25519'),
    keyId: z.string().min(1).max(64),
    value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'chữ ký Ed25519 base64 (64 byte)'),
  })
  .strict();

export const instructionIssuedPayloadSchema = z
  .object({
    /** Stable per attempt: a resend of the same attempt carries the same id, so a bank can refuse a second credit. */
    instructionId: z.uuid(),
    /** The entitlement the money is owed for (ISO 20022 EndToEndId); several attempts may share it. */
    endToEndId: z.uuid(),
    batchId: z.uuid(),
    institutionCode: institutionCodeSchema,
    channel: z.enum(PAYOUT_CHANNELS),
    amountDong: dongSchema,
    currency: z.literal('VND'),
    creditor: z
      .object({
        name: z.string().min(1).max(200),
        /** The full account or wallet number, only on the paying institution's own topic; null for cash. */
        accountNumber: z.string().regex(/^\d{6,19}$/).nullable(),
        /** For cash only: the post office checks the citizen ID of whoever collects. */
        cccd: cccdSchema.nullable(),
        provinceCode: z.string().regex(/^\d{2}$/),
        communeCode: z.string().regex(/^\d{5}$/),
      })
      .strict(),
    /** ASCII, at most 140 characters (fits ISO 20022 Ustrd). */
    remittanceInformation: z.string().regex(/^[\x20-\x7E]{1,140}$/),
    requestedExecutionDate: z.iso.date(),
    /** 1 on the first send; a resend after a timeout or a technical failure increases it, with the same instructionId. */
    sendSequence: z.number().int().min(1).max(100),
    issuedAt: z.iso.datetime({ offset: true }),
    signature: signatureSchema,
  })
  .strict();

export const instructionReportedPayloadSchema = z
  .object({
    instructionId: z.uuid(),
    institutionCode: institutionCodeSchema,
    status: z.enum(['accepted', 'settled', 'rejected']),
    reasonCode: z.enum(BANK_REASON_CODE_LIST).nullable(),
    reasonText: z.string().max(200).nullable(),
    /** The amount the institution executed, echoed so a difference is caught rather than accepted. */
    amountDong: dongSchema,
    bankReference: z.string().max(64).nullable(),
    reportedAt: z.iso.datetime({ offset: true }),
    /** Required when AnSinh holds the institution's public key. */
    signature: signatureSchema.nullable(),
  })
  .strict()
  .refine((result) => (result.status === 'rejected') === (result.reasonCode !== null), {
    message: 'reasonCode is required for rejected and only for rejected',
    path: ['reasonCode'],
  });

/** Topic names carry the institution so a PREFIXED Kafka ACL on `bank.<code>.` confines an institution to its own. */
export function institutionTopicCode(institutionCode: string): string {
  return institutionCode.toLowerCase();
}

const issuedDescription =
  'A payment instruction for one paying institution, on its own topic `bank.<code>.instruction.issued.v1` (code = BIN, ' +
  'e-wallet provider code or vnpost, lower case), key = instructionId. Signed with AnSinh\'s Ed25519 key over the ' +
  'canonical JSON of the payload without `signature`. A resend has the same instructionId and a higher sendSequence: ' +
  'execute an instructionId at most once and answer again with its result.';

const reportedDescription =
  'The institution\'s answer to an instruction, on `bank.<code>.instruction.reported.v1`, key = instructionId: accepted ' +
  '(optional), then settled (money credited / cash handed over) or rejected with a reason code. Send again if unsure: ' +
  'AnSinh applies each result once and ignores repeats.';

/**
 * The same event on every institution's topic: the type stays `bank.instruction.issued`, the topic
 * carries the institution.
 */
function forInstitution<TPayload extends z.ZodType>(institutionCode: string, event: string, description: string, payload: TPayload): EventDefinition<TPayload> {
  const definition = defineEvent({ context: 'bank', entity: 'instruction', event, version: 1, description, payload });
  return { ...definition, topic: `bank.${institutionTopicCode(institutionCode)}.instruction.${event}.v1` };
}

// One definition per institution, made once: building a zod schema and compiling its first parse cost
// ≈ 0.3-0.8 ms, which the bank stand-in and the result consumer used to pay for every message.
const issuedByInstitution = new Map<string, EventDefinition<typeof instructionIssuedPayloadSchema>>();
const reportedByInstitution = new Map<string, EventDefinition<typeof instructionReportedPayloadSchema>>();

/** The instruction topic of one institution. */
export function instructionIssuedV1(institutionCode: string): EventDefinition<typeof instructionIssuedPayloadSchema> {
  let definition = issuedByInstitution.get(institutionCode);
  if (!definition) {
    definition = Object.freeze(forInstitution(institutionCode, 'issued', issuedDescription, instructionIssuedPayloadSchema));
    issuedByInstitution.set(institutionCode, definition);
  }
  return definition;
}

/** The result topic of one institution. */
export function instructionReportedV1(institutionCode: string): EventDefinition<typeof instructionReportedPayloadSchema> {
  let definition = reportedByInstitution.get(institutionCode);
  if (!definition) {
    definition = Object.freeze(forInstitution(institutionCode, 'reported', reportedDescription, instructionReportedPayloadSchema));
    reportedByInstitution.set(institutionCode, definition);
  }
  return definition;
}
