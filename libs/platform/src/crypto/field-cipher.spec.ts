import { createHash, randomBytes } from 'node:crypto';
import { FieldCipher, FieldCipherError, isBase64Key32 } from './field-cipher';

const key = randomBytes(32);
const cipher = new FieldCipher(key);
const account = '0071000123456';
const row = 'payment_channel:0190f5c2-7b7e-7c3a-9a51-3f2d6c1e8a10';

describe('FieldCipher (AES-256-GCM at rest, HMAC-SHA256 fingerprints)', () => {
  it('round-trips, with a fresh IV each time, and the ciphertext does not contain the number', () => {
    const first = cipher.encrypt(account, row);
    const second = cipher.encrypt(account, row);
    expect(first.equals(second)).toBe(false);
    expect(first.length).toBe(1 + 12 + 16 + Buffer.byteLength(account));
    expect(first.toString('latin1')).not.toContain(account);
    expect(first.toString('hex')).not.toContain(Buffer.from(account).toString('hex'));
    expect(cipher.decrypt(first, row)).toBe(account);
    expect(cipher.decrypt(second, row)).toBe(account);
    expect(cipher.decrypt(cipher.encrypt('', row), row)).toBe('');
  });

  it.each([
    ['a flipped bit in the ciphertext', (sealed: Buffer) => flip(sealed, sealed.length - 1)],
    ['a flipped bit in the tag', (sealed: Buffer) => flip(sealed, 1 + 12 + 3)],
    ['a flipped bit in the IV', (sealed: Buffer) => flip(sealed, 2)],
    ['a truncated value', (sealed: Buffer) => sealed.subarray(0, sealed.length - 1)],
    ['an appended byte', (sealed: Buffer) => Buffer.concat([sealed, Buffer.of(0)])],
    ['an unknown format version', (sealed: Buffer) => flip(sealed, 0)],
    ['a value too short to hold IV and tag', () => Buffer.of(1, 2, 3)],
  ])('refuses to open %s', (_label, tamper) => {
    const sealed = cipher.encrypt(account, row);
    expect(() => cipher.decrypt(tamper(Buffer.from(sealed)), row)).toThrow(FieldCipherError);
  });

  it('refuses a ciphertext moved to another record, or opened with another key, and never echoes it', () => {
    const sealed = cipher.encrypt(account, row);
    expect(() => cipher.decrypt(sealed, 'payment_channel:another-row')).toThrow(/failed authentication/);
    try {
      new FieldCipher(randomBytes(32)).decrypt(sealed, row);
      throw new Error('opened with another key');
    } catch (error) {
      expect(error).toBeInstanceOf(FieldCipherError);
      expect(String((error as Error).message)).not.toContain(account);
    }
  });

  it('fingerprints deterministically, per key, and not as a plain hash', () => {
    const fingerprint = cipher.fingerprint(`970436/${account}`);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.fingerprint(`970436/${account}`)).toBe(fingerprint);
    expect(new FieldCipher(key).fingerprint(`970436/${account}`)).toBe(fingerprint);
    expect(cipher.fingerprint(`970418/${account}`)).not.toBe(fingerprint);
    expect(new FieldCipher(randomBytes(32)).fingerprint(`970436/${account}`)).not.toBe(fingerprint);
    expect(fingerprint).not.toBe(createHash('sha256').update(`970436/${account}`).digest('hex'));
  });

  it('accepts only base64 keys of exactly 32 bytes', () => {
    expect(isBase64Key32(key.toString('base64'))).toBe(true);
    expect(FieldCipher.fromBase64(key.toString('base64')).fingerprint('x')).toBe(cipher.fingerprint('x'));
    for (const bad of [randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), 'not base64 at all!', '', key.toString('hex')]) {
      expect(isBase64Key32(bad)).toBe(false);
      expect(() => FieldCipher.fromBase64(bad)).toThrow(FieldCipherError);
    }
    expect(() => new FieldCipher(randomBytes(31))).toThrow(FieldCipherError);
  });
});

function flip(buffer: Buffer, index: number): Buffer {
  buffer[index] ^= 0x01;
  return buffer;
}
