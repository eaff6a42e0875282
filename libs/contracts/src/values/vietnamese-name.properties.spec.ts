import fc from 'fast-check';
import { foldVietnamese, matchPersonName } from './vietnamese-name';

const runs = { seed: 20261123, numRuns: 2_000 };

/**
 * Every Vietnamese letter with its base letter, written out by hand rather than derived with
 * Unicode decomposition, so the test does not share the folding code's method.
 */
const VIETNAMESE_LETTERS: Record<string, string> = {
  a: 'aàáảãạăằắẳẵặâầấẩẫậ',
  e: 'eèéẻẽẹêềếểễệ',
  i: 'iìíỉĩị',
  o: 'oòóỏõọôồốổỗộơờớởỡợ',
  u: 'uùúủũụưừứửữự',
  y: 'yỳýỷỹỵ',
  d: 'dđ',
};
const BASE_OF = new Map<string, string>();
for (const [base, variants] of Object.entries(VIETNAMESE_LETTERS)) {
  for (const letter of variants) {
    BASE_OF.set(letter, base.toUpperCase());
    BASE_OF.set(letter.toUpperCase(), base.toUpperCase());
  }
}
const CONSONANTS = 'bcghklmnpqrstvx';
for (const letter of CONSONANTS) {
  BASE_OF.set(letter, letter.toUpperCase());
  BASE_OF.set(letter.toUpperCase(), letter.toUpperCase());
}
const LETTERS = [...BASE_OF.keys()];

const word = fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 7 });
const name = fc.array(word, { minLength: 1, maxLength: 5 });
/** Spacing as it comes from Excel lists and bank files: runs of spaces, tabs, non-breaking spaces. */
const gap = fc.constantFrom(' ', '  ', '\t', '\u00a0', ' \u00a0 ');

const bankForm = (words: string[]) => words.map((w) => [...w].map((letter) => BASE_OF.get(letter)).join('')).join(' ');
const join = (words: string[], gaps: string[]) => words.map((w, index) => (index === 0 ? w : (gaps[index] ?? ' ') + w)).join('');

describe('Vietnamese name folding (properties)', () => {
  it('folds to the bank form: upper case, base letters, đ → D, single spaces', () => {
    fc.assert(
      fc.property(name, fc.array(gap, { maxLength: 5 }), gap, (words, gaps, edge) => {
        expect(foldVietnamese(edge + join(words, gaps) + edge)).toBe(bankForm(words));
      }),
      runs,
    );
  });

  it('is idempotent and yields only A–Z, 0–9 and single inner spaces for any text at all', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...LETTERS, ' ', '-', '.', '\u0301', '\u0303') })), (text) => {
        const folded = foldVietnamese(text);
        expect(folded).toMatch(/^([A-Z0-9]+( [A-Z0-9]+)*)?$/);
        expect(foldVietnamese(folded)).toBe(folded);
      }),
      runs,
    );
  });

  it('ignores case, composition (NFC / NFD) and diacritics', () => {
    fc.assert(
      fc.property(name, (words) => {
        const text = words.join(' ');
        const folded = foldVietnamese(text);
        for (const variant of [text.toUpperCase(), text.toLowerCase(), text.normalize('NFD'), text.normalize('NFD').toUpperCase(), bankForm(words)]) {
          expect(foldVietnamese(variant)).toBe(folded);
        }
      }),
      runs,
    );
  });

  it('matches a registry name with the bank form of itself exactly, and with its words in any order', () => {
    fc.assert(
      fc.property(
        name.chain((words) => fc.tuple(fc.constant(words), fc.shuffledSubarray(words, { minLength: words.length, maxLength: words.length }))),
        ([words, shuffled]) => {
          expect(matchPersonName(words.join(' '), bankForm(words))).toBe('exact');
          const reordered = matchPersonName(words.join(' '), bankForm(shuffled));
          expect(reordered).toBe(bankForm(shuffled) === bankForm(words) ? 'exact' : 'reordered');
        },
      ),
      runs,
    );
  });

  it('does not call a name with a word missing or added a match', () => {
    // Tolerating one typo must not tolerate a lost middle name of two or more letters: "NGUYEN THI DAO" vs "NGUYEN DAO".
    fc.assert(
      fc.property(name.filter((words) => words.length >= 2), word.filter((w) => w.length >= 2), (words, extra) => {
        const withExtra = [...words, extra];
        expect(matchPersonName(words.join(' '), bankForm(withExtra))).toBe('mismatch');
        expect(matchPersonName(withExtra.join(' '), bankForm(words))).toBe('mismatch');
      }),
      runs,
    );
  });

  it('never matches an empty or blank name', () => {
    fc.assert(
      fc.property(name, fc.array(gap, { maxLength: 3 }), (words, blanks) => {
        expect(matchPersonName(words.join(' '), blanks.join(''))).toBe('mismatch');
        expect(matchPersonName(blanks.join(''), bankForm(words))).toBe('mismatch');
      }),
      runs,
    );
  });
});
