/**
 * The SQL twin of foldVietnamese (libs/contracts): upper case, no diacritics, đ/Đ → D, one space
 * between words. Built from translate()/upper()/regexp_replace(), which PostgreSQL treats as
 * immutable, so it can define a stored generated column; a test checks it agrees with the
 * TypeScript fold on real names. Input is NFC (the edges normalise it).
 */
const ACCENTED = 'ÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝàáâãäåèéêëìíîïòóôõöùúûüýÿĀāĂăĄąĐđĒēĔĕĖėĘęĚěĨĩĪīĬĭĮįİŌōŎŏŐőŨũŪūŬŭŮůŰűŲųŶŷŸƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǪǫǬǭǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȔȕȖȗȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḔḕḖḗḘḙḚḛḜḝḬḭḮḯṌṍṎṏṐṑṒṓṲṳṴṵṶṷṸṹṺṻẎẏẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ';
const PLAIN = 'AAAAAAEEEEIIIIOOOOOUUUUYAAAAAAEEEEIIIIOOOOOUUUUYYAAAAAADDEEEEEEEEEEIIIIIIIIIOOOOOOUUUUUUUUUUUUYYYOOUUAAIIOOUUUUUUUUUUAAAAOOOOAAAAAAEEEEIIIIOOOOUUUUAAEEOOOOOOOOYYAAEEEEEEEEEEIIIIOOOOOOOOUUUUUUUUUUYYYAAAAAAAAAAAAAAAAAAAAAAAAEEEEEEEEEEEEEEEEIIIIOOOOOOOOOOOOOOOOOOOOOOOOUUUUUUUUUUUUUUYYYYYYYY';

/** The first form, kept because migration 1763884850000 is built from it; see foldVietnameseNfdSql. */
export function foldVietnameseSql(column: string): string {
  return `btrim(regexp_replace(upper(translate(${column}, '${ACCENTED}', '${PLAIN}')), '[^A-Z0-9]+', ' ', 'g'))`;
}

/**
 * The same fold, done as foldVietnamese does it: decompose (NFD), drop the combining marks, map đ/Đ.
 * translate() over the ~250-letter table above compares every character of a name with every letter
 * of the table, about 100 µs per row — the largest single cost of a bulk import (each row computes the
 * stored key); this form costs a fraction of that and folds any Latin letter the TypeScript fold does.
 * The mark ranges are Unicode's combining blocks (\p{M} of the Latin script), as PostgreSQL's
 * regular expressions have no \p{…} classes.
 */
export function foldVietnameseNfdSql(column: string): string {
  const marks = String.raw`[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+`;
  return `btrim(regexp_replace(upper(translate(regexp_replace(normalize(${column}, NFD), '${marks}', '', 'g'), 'đĐ', 'dD')), '[^A-Z0-9]+', ' ', 'g'))`;
}
