import { foldVietnamese } from '@app/contracts';

/**
 * ISO 20022 identifiers are Max35Text, one character short of a UUID: AnSinh writes its UUIDs as 32
 * lower-case hex digits and reads them back.
 */
export function compactUuid(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase();
}

/** 32 hex digits back to the UUID they were written from; anything else is returned as it is. */
export function uuidFromCompact(id: string): string {
  const hex = /^[0-9a-f]{32}$/i.test(id) ? id.toLowerCase() : null;
  return hex ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : id;
}

/**
 * A person's name the way banks print holders (and compare them): upper-case ASCII without
 * diacritics, "Nguyễn Thị Đào" → "NGUYEN THI DAO", at most 140 characters (Max140Text).
 */
export function isoName(name: string): string {
  return foldVietnamese(name).slice(0, 140).trim();
}

/**
 * Free text in the Latin subset banks accept: diacritics dropped, đ/Đ as d/D, anything outside
 * printable ASCII as a space; case and punctuation kept. "Sở Lao động - TB&XH" → "So Lao dong - TB&XH".
 */
export function isoText(text: string, maxLength: number): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7E]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength)
    .trim();
}

/** A moment as Vietnamese banks write it: local time, UTC+7, no fraction. */
export function vietnamDateTime(at: Date): string {
  return `${new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}
