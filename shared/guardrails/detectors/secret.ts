import { longerFirst, selectNonOverlapping } from '../non-overlapping.ts';
import { looksRandom } from './chars.ts';
import { findCredentialAssignments } from './credential-assignment.ts';
import { findJwts } from './jwt.ts';
import { findPemBlocks, pemContinuation } from './pem-block.ts';
import type { Span } from './span.ts';

// Credentials with a recognizable shape: provider keys by prefix, JWTs, PEM private keys, and
// values assigned to a credential-like name (see credential-assignment.ts).
//
// Deliberately not caught: unlabelled high-entropy strings (hashes, UUIDs, base64 blobs look the
// same), AWS secret keys without their label, credentials inside URLs (`postgres://u:pw@host`),
// Slack app/config tokens (`xapp-`, `xoxe-`), public keys and certificates.

interface KeyPattern {
  regex: RegExp;
  /** Extra check on the match, for prefixes that ordinary words can also start with. */
  accept?: (key: string) => boolean;
  /** Report only this capture group (the value of a labelled secret). */
  group?: number;
}

const keyPatterns: readonly KeyPattern[] = [
  // This router's own client keys: `sk-ir-` and 32 base64url characters (shared/keys/api-key.ts).
  { regex: /(?<![\w-])sk-ir-[A-Za-z0-9_-]{32}(?![\w-])/g },
  // OpenAI (`sk-`, `sk-proj-`, `sk-svcacct-`, `sk-admin-`) and Anthropic (`sk-ant-api03-…`) keys.
  // Random bodies mix cases or digits; `sk-spinner-container-wrapper` (a CSS class) does not.
  { regex: /(?<![\w-])sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, accept: looksRandom },
  // AWS access key ids (long-term AKIA, temporary ASIA).
  { regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  // AWS secret access keys, only next to their name: unlabelled, 40 base64 characters are anything.
  {
    regex:
      /(?<![A-Za-z0-9])(?:aws[_-]?)?secret[_-]?access[_-]?key["']?[ \t]{0,5}[:=][ \t]{0,5}["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/dgi,
    group: 1,
  },
  // GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
  { regex: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g },
  { regex: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}(?![A-Za-z0-9_])/g },
  // Slack bot, user, app-level and refresh tokens.
  { regex: /(?<![A-Za-z0-9-])xox[abpr]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])/g },
  // Stripe secret and restricted keys (test-mode keys are credentials too).
  { regex: /(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g },
  // Google API keys.
  { regex: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
];

export const find = (text: string): Span[] => {
  const spans: Span[] = [...findJwts(text), ...findPemBlocks(text), ...findCredentialAssignments(text)];
  for (const { regex, accept, group } of keyPatterns) {
    for (const match of text.matchAll(regex)) {
      if (accept !== undefined && !accept(match[0])) continue;
      const range = group === undefined ? undefined : match.indices?.[group];
      if (range !== undefined) spans.push({ start: range[0], end: range[1] });
      else if (group === undefined) spans.push({ start: match.index, end: match.index + match[0].length });
    }
  }
  return selectNonOverlapping(spans, longerFirst);
};

// Every character a key, token, JWT or bearer value above can hold: a value cut short is
// continued (and masked) while its text stays in this set. Wider than any one shape, so a
// continuation never stops early; at worst a sentence's final dot is masked with the key.
const TOKEN_CONTINUATION = /[A-Za-z0-9._~+/=-]*/y;

/**
 * How a secret whose detection starts with `head` goes on past the text seen so far, as a sticky
 * pattern matched at the start of what comes next: the rest of a PEM block (through its END
 * line), else the rest of a key or token.
 */
export const secretContinuation = (head: string): RegExp =>
  new RegExp(head.startsWith('-----BEGIN') ? pemContinuation : TOKEN_CONTINUATION);
