/**
 * Masks personal data wherever it sits in a log record, at any depth: citizen IDs, account numbers,
 * phone numbers, e-mail addresses and people's names. Keys are matched after dropping case, '_' and
 * '-', so `fullName`, `full_name` and `FULL-NAME` are the same key. Free text is scanned too: any run
 * of nine or more digits (a CCCD, a phone, an account) keeps only its last three digits.
 */
const NAME_KEYS = new Set(['name', 'fullname', 'holdername', 'accountname', 'accountholdername', 'beneficiaryname', 'creditorname', 'recipientname']);
const DIGIT_KEYS = new Set(['cccd', 'citizenid', 'nationalid', 'idnumber', 'accountnumber', 'accountno', 'phone', 'phonenumber', 'msisdn', 'mobile']);
const SECRET_KEYS = new Set(['authorization', 'password', 'secret', 'token', 'accesstoken', 'jwtsecret', 'cookie', 'encryptionkey']);
const EMAIL_KEYS = new Set(['email', 'emailaddress']);
const LONG_DIGIT_RUN = /\d{9,}/g;
const MAX_DEPTH = 12;

const normaliseKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

export function maskDigits(value: string): string {
  return value.replace(LONG_DIGIT_RUN, (run) => '*'.repeat(run.length - 3) + run.slice(-3));
}

export function maskName(value: string): string {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${[...word][0]}***`)
    .join(' ');
}

function maskEmail(value: string): string {
  const at = value.indexOf('@');
  return at <= 0 ? '***' : `${value[0]}***${value.slice(at)}`;
}

function maskByKey(key: string, value: unknown, depth: number, seen: WeakSet<object>): unknown {
  const normalised = normaliseKey(key);
  if (SECRET_KEYS.has(normalised)) return '[redacted]';
  if (typeof value === 'string' || typeof value === 'number') {
    const text = String(value);
    if (DIGIT_KEYS.has(normalised)) return text.length <= 3 ? '***' : '*'.repeat(text.length - 3) + text.slice(-3);
    if (NAME_KEYS.has(normalised)) return maskName(text);
    if (EMAIL_KEYS.has(normalised)) return maskEmail(text);
  }
  return redactPersonalData(value, depth + 1, seen);
}

export function redactPersonalData(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskDigits(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH || seen.has(value)) return '[truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, depth + 1, seen));
  if (value instanceof Error) {
    return { type: value.name, message: maskDigits(value.message), stack: value.stack && maskDigits(value.stack) };
  }
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) result[key] = maskByKey(key, item, depth, seen);
  return result;
}
