import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

// The callback forms run on libuv's thread pool: many signatures of one batch use every core, and the
// event loop stays free for other work meanwhile. Same algorithm, same bytes as the one-shot forms.
const signOnPool = promisify(sign as (algorithm: null, data: Buffer, key: KeyObject, callback: (error: Error | null, signature: Buffer) => void) => void);
const verifyOnPool = promisify(
  verify as (algorithm: null, data: Buffer, key: KeyObject, signature: Buffer, callback: (error: Error | null, result: boolean) => void) => void,
);

/**
 * JSON with object keys sorted at every depth and no whitespace, so the signer and a verifier written
 * in any language serialise the same value to the same bytes (the subset of RFC 8785 our payloads use:
 * strings, integers, booleans, null, arrays, objects).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
}

export interface DetachedSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** Base64 of the 64-byte Ed25519 signature over canonicalJson(payload without `signature`). */
  value: string;
}

/** Signs a payload; the signature covers every field but `signature` itself. */
export function signPayload<T extends Record<string, unknown>>(payload: T, privateKeyPem: string | KeyObject, keyId: string): T & { signature: DetachedSignature } {
  const { signature: _ignored, ...signed } = payload as T & { signature?: unknown };
  const key = typeof privateKeyPem === 'string' ? createPrivateKey(privateKeyPem) : privateKeyPem;
  const value = sign(null, Buffer.from(canonicalJson(signed), 'utf8'), key).toString('base64');
  return { ...payload, signature: { algorithm: 'Ed25519', keyId, value } };
}

/** True when `signature` was made over the rest of the payload by the holder of the key. */
export function verifyPayloadSignature(payload: Record<string, unknown> & { signature?: DetachedSignature | null }, publicKeyPem: string | KeyObject): boolean {
  const { signature, ...signed } = payload;
  if (!signature || signature.algorithm !== 'Ed25519') return false;
  try {
    const key = typeof publicKeyPem === 'string' ? createPublicKey(publicKeyPem) : publicKeyPem;
    return verify(null, Buffer.from(canonicalJson(signed), 'utf8'), key, Buffer.from(signature.value, 'base64'));
  } catch {
    return false;
  }
}

/** `signPayload` on the thread pool; for signing many payloads at once (`Promise.all`). */
export async function signPayloadOnPool<T extends Record<string, unknown>>(payload: T, privateKey: KeyObject, keyId: string): Promise<T & { signature: DetachedSignature }> {
  const { signature: _ignored, ...signed } = payload as T & { signature?: unknown };
  const value = (await signOnPool(null, Buffer.from(canonicalJson(signed), 'utf8'), privateKey)).toString('base64');
  return { ...payload, signature: { algorithm: 'Ed25519', keyId, value } };
}

/** `verifyPayloadSignature` on the thread pool; for checking many payloads at once (`Promise.all`). */
export async function verifyPayloadSignatureOnPool(payload: Record<string, unknown> & { signature?: DetachedSignature | null }, publicKey: KeyObject): Promise<boolean> {
  const { signature, ...signed } = payload;
  if (!signature || signature.algorithm !== 'Ed25519') return false;
  try {
    return await verifyOnPool(null, Buffer.from(canonicalJson(signed), 'utf8'), publicKey, Buffer.from(signature.value, 'base64'));
  } catch {
    return false;
  }
}
