import { createPrivateKey } from 'node:crypto';
import type { EventEnvelope } from '../envelope';
import type { PayloadOf } from '../events/event-definition';
import type { instructionIssuedV1, instructionReportedV1 } from '../events/payment/bank-instruction.v1';
import { signPayload } from '../values/canonical-json';

type Issued = PayloadOf<ReturnType<typeof instructionIssuedV1>>;
type Reported = PayloadOf<ReturnType<typeof instructionReportedV1>>;

export interface InstitutionExample<TPayload> {
  name: string;
  summary: string;
  envelope: EventEnvelope<TPayload>;
}

/**
 * The keys the documented examples are signed with: the Ed25519 test vectors TEST 1 and TEST 2 of
 * RFC 8032 §7.1, public on purpose so an institution can check its verifier and signer against the
 * examples. Never trusted by any deployment of AnSinh.
 */
export const EXAMPLE_SIGNING_KEYS = {
  ansinh: {
    keyId: 'example-rfc8032-test-1',
    privateKeyPkcs8: 'MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g',
    publicKeySpki: 'MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
  },
  institution: {
    keyId: 'example-rfc8032-test-2',
    privateKeyPkcs8: 'MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7',
    publicKeySpki: 'MCowBQYDK2VwAyEAPUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=',
  },
} as const;

function signedWith(who: keyof typeof EXAMPLE_SIGNING_KEYS) {
  const { keyId, privateKeyPkcs8 } = EXAMPLE_SIGNING_KEYS[who];
  const key = createPrivateKey({ key: Buffer.from(privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' });
  return <T extends Record<string, unknown>>(payload: T) => signPayload(payload, key, keyId);
}

const TO_DAO = '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f6';
const TO_HUNG = '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f7';
const TO_LAN = '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f8';
const BATCH = '5b0e8c9a-3f1d-4c2b-9e7a-6d5c4b3a2f10';

/** Two instructions: a monthly allowance to a Vietcombank account, and a resend of a cash payment at the post office. */
export function instructionIssuedExamples(): InstitutionExample<Issued>[] {
  const sign = signedWith('ansinh');
  return [
    {
      name: 'bankTransfer',
      summary: 'Trợ cấp xã hội tháng 11/2026, 500.000 đ, to an account at Vietcombank (topic bank.970436.instruction.issued.v1).',
      envelope: {
        eventId: '0193a7c1-4a00-7b11-9c22-d3e4f5a6b7c8',
        type: 'bank.instruction.issued',
        version: 1,
        occurredAt: '2026-11-23T01:30:00.000Z',
        producer: 'payment',
        correlationId: `batch-${BATCH}`,
        causationId: null,
        aggregateId: TO_DAO,
        payload: sign({
          instructionId: TO_DAO,
          endToEndId: '7d1f1c7e-1111-4a4a-8b8b-123456789abc',
          batchId: BATCH,
          institutionCode: '970436',
          channel: 'bank',
          amountDong: '500000',
          currency: 'VND',
          creditor: { name: 'Nguyễn Thị Đào', accountNumber: '0071000123456', cccd: null, provinceCode: '42', communeCode: '18073' },
          remittanceInformation: 'AnSinh TC_XH 2026-11 tro cap hang thang',
          requestedExecutionDate: '2026-11-23',
          sendSequence: 1,
          issuedAt: '2026-11-23T01:30:00.000Z',
        } satisfies Omit<Issued, 'signature'>),
      },
    },
    {
      name: 'cashResend',
      summary:
        'Second send (sendSequence 2, same instructionId) of 1.000.000 đ in cash at the post office (topic bank.vnpost.instruction.issued.v1): ' +
        'execute it only if the first send was never executed, otherwise answer again.',
      envelope: {
        eventId: '0193a7d9-0c00-7b11-9c22-d3e4f5a6b7c9',
        type: 'bank.instruction.issued',
        version: 1,
        occurredAt: '2026-11-23T02:00:00.000Z',
        producer: 'payment',
        correlationId: `batch-${BATCH}`,
        causationId: null,
        aggregateId: TO_LAN,
        payload: sign({
          instructionId: TO_LAN,
          endToEndId: '7d1f1c7e-3333-4a4a-8b8b-123456789abc',
          batchId: BATCH,
          institutionCode: 'VNPOST',
          channel: 'cash',
          amountDong: '1000000',
          currency: 'VND',
          creditor: { name: 'Lê Thị Lan', accountNumber: null, cccd: '042156709570', provinceCode: '42', communeCode: '18073' },
          remittanceInformation: 'AnSinh TC_XH 2026-11 tro cap hang thang',
          requestedExecutionDate: '2026-11-23',
          sendSequence: 2,
          issuedAt: '2026-11-23T02:00:00.000Z',
        } satisfies Omit<Issued, 'signature'>),
      },
    },
  ];
}

/** Answers: the credit to Nguyễn Thị Đào settled, and another instruction rejected for a closed account. */
export function instructionReportedExamples(): InstitutionExample<Reported>[] {
  const sign = signedWith('institution');
  const answer = (eventId: string, causationId: string, occurredAt: string, payload: Omit<Reported, 'signature'>): EventEnvelope<Reported> => ({
    eventId,
    type: 'bank.instruction.reported',
    version: 1,
    occurredAt,
    producer: 'vietcombank-ansinh-connector',
    correlationId: `batch-${BATCH}`,
    causationId,
    aggregateId: payload.instructionId,
    payload: sign(payload),
  });
  return [
    {
      name: 'settled',
      summary: 'Vietcombank credited 500.000 đ to the account (topic bank.970436.instruction.reported.v1).',
      envelope: answer('5c1d2e3f-0a1b-4c2d-8e3f-405162738495', '0193a7c1-4a00-7b11-9c22-d3e4f5a6b7c8', '2026-11-23T01:30:04.000Z', {
        instructionId: TO_DAO,
        institutionCode: '970436',
        status: 'settled',
        reasonCode: null,
        reasonText: null,
        amountDong: '500000',
        bankReference: 'FT26327000123',
        reportedAt: '2026-11-23T01:30:04.000Z',
      }),
    },
    {
      name: 'rejectedAccountClosed',
      summary: 'Vietcombank refused another instruction (to Trần Văn Hùng, 750.000 đ): the account is closed (AC04). Nothing was credited; AnSinh tries the next channel.',
      envelope: answer('5c1d2e3f-0a1b-4c2d-8e3f-405162738496', '0193a7c1-4a01-7b11-9c22-d3e4f5a6b7c8', '2026-11-23T01:30:05.000Z', {
        instructionId: TO_HUNG,
        institutionCode: '970436',
        status: 'rejected',
        reasonCode: 'AC04',
        reasonText: 'Tài khoản đã đóng',
        amountDong: '750000',
        bankReference: null,
        reportedAt: '2026-11-23T01:30:05.000Z',
      }),
    },
  ];
}
