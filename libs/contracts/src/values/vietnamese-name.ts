import { distance } from 'fastest-levenshtein';

/**
 * Folds Vietnamese text the way banks print account holders: upper case, no diacritics, đ/Đ → D,
 * single spaces. Works on composed (NFC) and decomposed (NFD, common from macOS and Windows-1258
 * exports) input alike; stripping marks without mapping đ would leave it untouched.
 * "Nguyễn Thị Đào" → "NGUYEN THI DAO".
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFC')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export type NameMatch = 'exact' | 'reordered' | 'one-typo' | 'mismatch';

/**
 * Compares a registry name with the name a bank returns for an account. Folding removes case,
 * diacritics and spacing; word order is tolerated (some lists put the given name first); one typo in
 * the whole name is tolerated (a keying error), but never in a name of a single short word, where one
 * letter is the whole difference between two people.
 */
export function matchPersonName(registryName: string, bankName: string): NameMatch {
  const registry = foldVietnamese(registryName);
  const bank = foldVietnamese(bankName);
  if (!registry || !bank) return 'mismatch';
  if (registry === bank) return 'exact';
  const sortedWords = (name: string) => name.split(' ').sort().join(' ');
  if (sortedWords(registry) === sortedWords(bank)) return 'reordered';
  if (registry.replace(/ /g, '').length >= 6 && Math.min(distance(registry, bank), distance(sortedWords(registry), sortedWords(bank))) === 1) {
    return 'one-typo';
  }
  return 'mismatch';
}
