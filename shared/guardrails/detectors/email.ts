import { isAsciiAlnum, isAsciiLetter, isDigit, isSpace } from './chars.ts';
import type { Span } from './span.ts';

// Email addresses: `local@domain.tld`, ASCII only (RFC 5321 dot-atoms without quoted local parts).
//
// The scan starts at each '@' and walks outwards, instead of one regex: a pattern such as
// `[\w.]+@` retries from every letter of a long word and goes quadratic on a 1 MB run.
//
// Deliberately not emails:
// - URL userinfo: `https://user@host/…`, `postgres://user:pw@db.example.com/app` (credentials in a
//   URL are a secret-detection concern, and the host is not a mailbox);
// - scp-style git remotes: `git@github.com:org/repo.git` (an '@' host followed by `:path`);
// - hosts with a port: `user@host.example.com:22`;
// - retina asset names: `icon@2x.png`;
// - package specifiers and tags: `lodash@4.17.21`, `node@24` (the TLD must be letters);
// - hosts without a dot (`root@localhost`), IDN/Unicode addresses and quoted local parts.
// An address in a URL's path or query (`https://x.com/unsubscribe?email=bob@x.com`) is caught.

const MAX_LOCAL_LENGTH = 64;
const MAX_DOMAIN_LENGTH = 253;
const MAX_TOP_LEVEL_LENGTH = 24;
const RETINA_ASSET = /^\d+(?:\.\d+)?x\.[A-Za-z]+$/;

const DOT = 46;
const HYPHEN = 45;
const COLON = 58;
const SLASH = 47;

const isLocalChar = (code: number): boolean =>
  isAsciiAlnum(code) || code === DOT || code === 95 /* _ */ || code === 37 /* % */ || code === 43 /* + */ || code === HYPHEN;

const isDomainChar = (code: number): boolean => isAsciiAlnum(code) || code === DOT || code === HYPHEN;

export const find = (text: string): Span[] => {
  const spans: Span[] = [];
  // Nothing left of `floor` is scanned again, which keeps the total work linear.
  let floor = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if (at < floor) continue;
    const start = localPartStart(text, at, floor);
    if (start === undefined) continue;
    const end = domainEnd(text, at);
    if (end === undefined) continue;
    const inUrlAuthority = isUrlUserinfo(text, start, floor);
    floor = end;
    if (inUrlAuthority || isHostWithPortOrPath(text, end)) continue;
    spans.push({ start, end });
  }
  return spans;
};

const localPartStart = (text: string, at: number, floor: number): number | undefined => {
  let start = at;
  while (start > floor && isLocalChar(text.charCodeAt(start - 1))) {
    start -= 1;
    if (at - start > MAX_LOCAL_LENGTH) return undefined;
  }
  if (start === at || text.charCodeAt(at - 1) === DOT) return undefined;
  // A local part never holds "..", so a run like "ask...bob@x.com" (an ellipsis) starts the address
  // after the last double dot; a leading dot is punctuation too.
  for (let index = at - 2; index > start; index -= 1) {
    if (text.charCodeAt(index) === DOT && text.charCodeAt(index - 1) === DOT) {
      start = index + 1;
      break;
    }
  }
  while (start < at && text.charCodeAt(start) === DOT) start += 1;
  return start;
};

const domainEnd = (text: string, at: number): number | undefined => {
  let end = at + 1;
  while (end < text.length && isDomainChar(text.charCodeAt(end))) {
    end += 1;
    if (end - at - 1 > MAX_DOMAIN_LENGTH) return undefined;
  }
  // A trailing dot or dash is the sentence's, not the domain's ("write to bob@x.com.").
  while (end > at + 1 && (text.charCodeAt(end - 1) === DOT || text.charCodeAt(end - 1) === HYPHEN)) end -= 1;
  return hasValidLabels(text, at + 1, end) && !isRetinaAsset(text, at + 1, end) ? end : undefined;
};

/**
 * Labels of 1–63 letters, digits and inner hyphens, at least two, the last one 2+ letters.
 * Checked in place: most '@' in code are not addresses and should cost no allocation.
 */
const hasValidLabels = (text: string, from: number, to: number): boolean => {
  let labels = 0;
  let labelStart = from;
  let lettersOnly = true;
  for (let index = from; index <= to; index += 1) {
    const code = index === to ? DOT : text.charCodeAt(index);
    if (code !== DOT) {
      lettersOnly &&= isAsciiLetter(code);
      continue;
    }
    const length = index - labelStart;
    if (length === 0 || length > 63) return false;
    if (text.charCodeAt(labelStart) === HYPHEN || text.charCodeAt(index - 1) === HYPHEN) return false;
    labels += 1;
    if (index === to) return labels >= 2 && lettersOnly && length >= 2 && length <= MAX_TOP_LEVEL_LENGTH;
    labelStart = index + 1;
    lettersOnly = true;
  }
  return false;
};

/** `icon@2x.png`: an image variant, not a mailbox. */
const isRetinaAsset = (text: string, from: number, to: number): boolean =>
  isDigit(text.charCodeAt(from)) && RETINA_ASSET.test(text.slice(from, to));

/** True when the address sits right after `scheme://` (possibly after `user:`), i.e. in a URL's authority. */
const isUrlUserinfo = (text: string, start: number, floor: number): boolean => {
  for (let index = start - 1; index >= floor; index -= 1) {
    const code = text.charCodeAt(index);
    if (isSpace(code)) return false;
    // The first '/', '?' or '#' to the left decides: `://` opens the authority, anything else
    // means the address is in a path, query or fragment and is a real address.
    if (code === SLASH || code === 63 /* ? */ || code === 35 /* # */) {
      return code === SLASH && text.startsWith('://', index - 2);
    }
  }
  return false;
};

/** `git@github.com:org/repo`, `user@host.example.com:22`: an ssh/scp target, not a mailbox. */
const isHostWithPortOrPath = (text: string, end: number): boolean => {
  if (text.charCodeAt(end) !== COLON || end + 1 >= text.length) return false;
  return !isSpace(text.charCodeAt(end + 1));
};
