import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed value, so a later key or algorithm can be told apart from this one. */
const FORMAT_V1 = 0x01;
const HKDF_SALT = Buffer.from('ansinh/field-cipher', 'utf8');

export class FieldCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldCipherError';
  }
}

/** True when a configuration value is base64 that decodes to exactly 32 bytes (an AES-256 key). */
export function isBase64Key32(value: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0 && Buffer.from(value, 'base64').length === KEY_BYTES;
}

/**
 * Encrypts personal fields at rest (account numbers) with AES-256-GCM, and fingerprints them with
 * HMAC-SHA256 so rows can be compared and kept unique without decrypting. Two independent keys are
 * derived from the one configured key (HKDF-SHA256): the fingerprint reveals nothing about the
 * encryption key, and neither is usable if only the database leaks.
 *
 * A sealed value is `version (1) | iv (12) | tag (16) | ciphertext`. The caller names what the value
 * belongs to (associated data, e.g. the row id): a ciphertext copied onto another row fails to open.
 */
export class FieldCipher {
  private readonly encryptionKey: Buffer;
  private readonly fingerprintKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new FieldCipherError(`the key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
    this.encryptionKey = Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, 'aes-256-gcm v1', KEY_BYTES));
    this.fingerprintKey = Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, 'hmac-sha256 fingerprint v1', KEY_BYTES));
  }

  static fromBase64(key: string): FieldCipher {
    if (!isBase64Key32(key)) throw new FieldCipherError(`the key must be base64 of ${KEY_BYTES} bytes`);
    return new FieldCipher(Buffer.from(key, 'base64'));
  }

  encrypt(plaintext: string, associatedData: string): Buffer {
    // A fresh random 96-bit IV per value: GCM must never see the same IV twice under one key.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), data]);
  }

  /** Opens a sealed value; any change to it, or other associated data, or another key, throws. */
  decrypt(sealed: Buffer, associatedData: string): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new FieldCipherError('not a sealed value of a known format');
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // Never echo the input: it may be most of a personal value.
      throw new FieldCipherError('the sealed value failed authentication (tampered, or sealed with another key or for another record)');
    }
  }

  /** Deterministic keyed digest (64 hex characters): equal values give equal fingerprints, and only with this key. */
  fingerprint(value: string): string {
    return createHmac('sha256', this.fingerprintKey).update(value, 'utf8').digest('hex');
  }
}
