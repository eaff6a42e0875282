/**
 * The SQL twin of foldVietnamese (libs/contracts): upper case, no diacritics, đ/Đ → D, one space
 * between words. Built from translate()/upper()/regexp_replace(), which PostgreSQL treats as
 * immutable, so it can define a stored generated column; a test checks it agrees with the
 * TypeScript fold on real names. Input is NFC (the edges normalise it).
 */
const ACCENTED = 'ÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝàáâãäåèéêëìíîïòóôõöùúûüýÿĀāĂăĄąĐđĒēĔĕĖėĘęĚěĨĩĪīĬĭĮįİŌōŎŏŐőŨũŪūŬŭŮůŰűŲųŶŷŸƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǪǫǬǭǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȔȕȖȗȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḔḕḖḗḘḙḚḛḜḝḬḭḮḯṌṍṎṏṐṑṒṓṲṳṴṵṶṷṸṹṺṻẎẏẙẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ';
const PLAIN = 'AAAAAAEEEEIIIIOOOOOUUUUYAAAAAAEEEEIIIIOOOOOUUUUYYAAAAAADDEEEEEEEEEEIIIIIIIIIOOOOOOUUUUUUUUUUUUYYYOOUUAAIIOOUUUUUUUUUUAAAAOOOOAAAAAAEEEEIIIIOOOOUUUUAAEEOOOOOOOOYYAAEEEEEEEEEEIIIIOOOOOOOOUUUUUUUUUUYYYAAAAAAAAAAAAAAAAAAAAAAAAEEEEEEEEEEEEEEEEIIIIOOOOOOOOOOOOOOOOOOOOOOOOUUUUUUUUUUUUUUYYYYYYYY';

export function foldVietnameseSql(column: string): string {
  return `btrim(regexp_replace(upper(translate(${column}, '${ACCENTED}', '${PLAIN}')), '[^A-Z0-9]+', ' ', 'g'))`;
}
