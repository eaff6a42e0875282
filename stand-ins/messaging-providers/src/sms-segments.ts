// GSM 03.38 basic character set: text made only of these travels as GSM-7, anything else (Vietnamese
// with diacritics, "₫") forces UCS-2, which fits 70 characters in one SMS and 67 per part of a long one.
const GSM7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);

export function smsEncoding(text: string): 'GSM7' | 'UCS2' {
  return [...text].every((character) => GSM7.has(character)) ? 'GSM7' : 'UCS2';
}

/** How many SMS a gateway bills for the text. */
export function smsSegments(text: string): number {
  const ucs2 = smsEncoding(text) === 'UCS2';
  const length = ucs2 ? text.length : [...text].length;
  const single = ucs2 ? 70 : 160;
  const part = ucs2 ? 67 : 153;
  return length <= single ? 1 : Math.ceil(length / part);
}
