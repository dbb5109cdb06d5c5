import { isAsciiAlnum, isDigit } from './chars.ts';
import { isIpv4 } from './ipv4.ts';
import type { Span } from './span.ts';

// IPv6 addresses: eight groups of 1–4 hex digits, or the `::` compressed form, optionally ending
// in an embedded IPv4 address (`::ffff:192.0.2.128`).
//
// Deliberately not addresses: times (`12:30:45`), MAC addresses (six groups), C++/Rust paths
// (`std::vector`, `f64::MAX`), Python slices (`a[1::2]`: a compressed form needs a group of 3+
// hex digits or 3+ groups), hex-only words (`dead::beef`: a compressed form needs a digit),
// loopback `::1` and the unspecified `::`.

// Parsed in code after a bounded candidate match. The candidate is only tried where an address
// can start: at most 4 hex digits before a colon, which prose and code rarely have; running the
// regex at every position instead costs as much as all other detectors together.
const CANDIDATE = /(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}(?:\.\d{1,3}){0,3}(?![\w:]|\.\w)/y;
const GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DIGIT = /\d/;

export const findIpv6 = (text: string): Span[] => {
  const spans: Span[] = [];
  const candidate = new RegExp(CANDIDATE);
  for (let colon = text.indexOf(':'); colon !== -1; ) {
    let start = colon;
    while (start > 0 && colon - start <= 4 && isHexDigit(text.charCodeAt(start - 1))) start -= 1;
    let next = colon + 1;
    if (colon - start <= 4 && !continuesToken(text.charCodeAt(start - 1))) {
      candidate.lastIndex = start;
      const match = candidate.exec(text);
      if (match !== null) {
        if (isIpv6(match[0])) spans.push({ start, end: start + match[0].length });
        next = start + match[0].length;
      }
    }
    colon = text.indexOf(':', next);
  }
  return spans;
};

/** A word character, ':' or '.' before the start: part of a longer token (`x12:30`, `a.b:c`). */
const continuesToken = (code: number): boolean => isAsciiAlnum(code) || code === 95 || code === 58 || code === 46;

const isHexDigit = (code: number): boolean => isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

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
