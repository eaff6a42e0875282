import { generateKeyPairSync } from 'node:crypto';
import { signPayload, signPayloadOnPool, verifyPayloadSignature, verifyPayloadSignatureOnPool } from './canonical-json';

describe('payload signatures on the thread pool', () => {
  const ours = generateKeyPairSync('ed25519');
  const theirs = generateKeyPairSync('ed25519');
  const payload = { instructionId: '0193a1b2-0000-7000-8000-000000000001', amountDong: '500000', creditor: { name: 'BÙI THỊ LAN', accountNumber: null } };

  it('makes the same signature as the one-shot form (Ed25519 is deterministic)', async () => {
    expect(await signPayloadOnPool(payload, ours.privateKey, 'k1')).toEqual(signPayload(payload, ours.privateKey, 'k1'));
  });

  it('accepts what was signed and refuses a changed payload, another key, a flipped bit or no signature', async () => {
    const signed = await signPayloadOnPool(payload, ours.privateKey, 'k1');
    expect(await verifyPayloadSignatureOnPool(signed, ours.publicKey)).toBe(true);
    expect(verifyPayloadSignature(signed, ours.publicKey)).toBe(true);
    expect(await verifyPayloadSignatureOnPool({ ...signed, amountDong: '500001' }, ours.publicKey)).toBe(false);
    expect(await verifyPayloadSignatureOnPool(signed, theirs.publicKey)).toBe(false);
    const bytes = Buffer.from(signed.signature.value, 'base64');
    bytes[10] ^= 0x01;
    expect(await verifyPayloadSignatureOnPool({ ...signed, signature: { ...signed.signature, value: bytes.toString('base64') } }, ours.publicKey)).toBe(false);
    expect(await verifyPayloadSignatureOnPool({ ...payload, signature: null }, ours.publicKey)).toBe(false);
    expect(await verifyPayloadSignatureOnPool({ ...signed, signature: { ...signed.signature, value: 'not base64 of 64 bytes' } }, ours.publicKey)).toBe(false);
  });
});
