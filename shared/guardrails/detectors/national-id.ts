import type { Span } from './span.ts';

// National identifiers, limited to two well-structured formats:
// - US Social Security numbers written `AAA-GG-SSSS`, excluding never-issued values (area 000,
//   666 and 900–999, group 00, serial 0000);
// - UK National Insurance numbers `AB123456C` or `AB 12 34 56 C`, with HMRC's prefix rules
//   (no D, F, I, Q, U, V; no O second; not BG, GB, KN, NK, NT, TN, ZZ) and suffix A–D.
//
// Deliberately not caught: SSNs without dashes or with spaces (a bare 9-digit run is far more
// often something else), ITINs and EINs, lowercase NI numbers, and the many other national
// formats (tax ids, passports, driving licences), which have no checksum to keep false
// positives down.

const SOCIAL_SECURITY = /(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w]|-\d)/g;
const NATIONAL_INSURANCE = /(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])( ?)\d{2}\2\d{2}\2\d{2}\2[A-D](?![A-Za-z0-9])/g;

const UNALLOCATED_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export const find = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(SOCIAL_SECURITY)) {
    const [, area = '', group = '', serial = ''] = match;
    if (area === '000' || area === '666' || area >= '900' || group === '00' || serial === '0000') continue;
    spans.push({ start: match.index, end: match.index + match[0].length });
  }
  for (const match of text.matchAll(NATIONAL_INSURANCE)) {
    if (UNALLOCATED_PREFIXES.has(match[1] ?? '')) continue;
    spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans.sort((a, b) => a.start - b.start);
};
