import { isIpv4 } from './ipv4.ts';
import type { Span } from './span.ts';

// IPv6 addresses: eight groups of 1–4 hex digits, or the `::` compressed form, optionally ending
// in an embedded IPv4 address (`::ffff:192.0.2.128`).
//
// Deliberately not addresses: times (`12:30:45`), MAC addresses (six groups), C++/Rust paths
// (`std::vector`, `f64::MAX`), Python slices (`a[1::2]`: a compressed form needs a group of 3+
// hex digits or 3+ groups), hex-only words (`dead::beef`: a compressed form needs a digit),
// loopback `::1` and the unspecified `::`.

// Bounded quantifiers and a lookbehind on the first character keep this linear on long
// hex or colon runs; the candidate is then parsed in code.
const CANDIDATE = /(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}(?:\.\d{1,3}){0,3}(?![\w:]|\.\w)/g;
const GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DIGIT = /\d/;

export const findIpv6 = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    if (isIpv6(match[0])) spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
};

export const isIpv6 = (value: string): boolean => {
  let hex = value;
  if (value.includes('.')) {
    const lastColon = value.lastIndexOf(':');
    if (!isIpv4(value.slice(lastColon + 1))) return false;
    // The embedded IPv4 address stands for the last two groups.
    hex = `${value.slice(0, lastColon + 1)}0:0`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => GROUP.test(group))) return false;
  if (halves.length === 1) return groups.length === 8;
  const hasLongGroup = groups.some((group) => group.length >= 3);
  return groups.length <= 7 && groups.length >= 2 && (hasLongGroup || groups.length >= 3) && DIGIT.test(value);
};
