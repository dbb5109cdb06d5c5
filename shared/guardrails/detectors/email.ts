import { isAsciiAlnum, isSpace } from './chars.ts';
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
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^[A-Za-z]{2,24}$/;
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
  // Cheap rejection first (`a@b`, `x@@`, `a@b.c`): most '@' in code are not addresses.
  let lastDot = end - 1;
  while (lastDot > at && text.charCodeAt(lastDot) !== DOT) lastDot -= 1;
  if (lastDot === at || lastDot > end - 3) return undefined;
  const domain = text.slice(at + 1, end);
  const labels = domain.split('.');
  const topLevel = labels[labels.length - 1];
  if (labels.length < 2 || topLevel === undefined || !TOP_LEVEL_DOMAIN.test(topLevel)) return undefined;
  if (!labels.every((label) => LABEL.test(label)) || RETINA_ASSET.test(domain)) return undefined;
  return end;
};

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
