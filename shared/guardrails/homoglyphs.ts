// Letters of other scripts that render like an ASCII letter in common fonts, so a Cyrillic `о`
// inside "project nightingale" reads the same to a person and to the model. Unicode's NFKC does not
// touch them: they are real letters of their own alphabets. A short list of the common ones (after
// Unicode TR39's confusables), not the whole table: matching is run on the original text too, so a
// fold that misses a letter loses nothing, and one that maps too much only adds matches.

// Each entry: the look-alike, then the ASCII letter or digit it is read as.
const PAIRS = [
  // Cyrillic.
  'аa еe іi јj оo рp сc уy хx ѕs һh ԁd ԛq ԝw ӏl кk',
  'АA ВB ЕE ІI ЈJ КK МM НH ОO РP СC ТT ХX УY ЅS ҺH ԚQ ԜW ӀI',
  // Greek.
  'αa οo ρp ιi υu νv κk χx ϲc ϳj',
  'ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX ϹC',
  // Armenian.
  'օo սu հh ոn զq',
  // Latin letters that look like other Latin letters.
  'ıi ȷj ɑa ɡg ɩi',
  // Arabic-Indic and Extended Arabic-Indic digits (NFKC leaves them).
  '٠0 ١1 ٢2 ٣3 ٤4 ٥5 ٦6 ٧7 ٨8 ٩9 ۰0 ۱1 ۲2 ۳3 ۴4 ۵5 ۶6 ۷7 ۸8 ۹9',
  // The ideographic full stop, as the dot of "bob@example。com".
  '。.',
].join(' ');

/** Code point -> the ASCII character it is read as. */
export const homoglyphs: ReadonlyMap<number, string> = new Map(
  PAIRS.split(' ').map((pair): [number, string] => [pair.codePointAt(0) ?? 0, pair.slice(-1)]),
);
