import type { Span } from './span.ts';

// JSON Web Tokens: three base64url parts whose first part decodes to a JSON object with an
// `alg`. The header check keeps dotted base64-ish identifiers out. An unsigned token
// (`alg: none`) has an empty third part and is still a token.

// `eyJ` is `{"` in base64url. The parts cannot contain '.', so the quantifiers cannot trade
// characters and the match never backtracks.
const CANDIDATE = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const MAX_HEADER_LENGTH = 4096;

export const findJwts = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const header = match[0].slice(0, match[0].indexOf('.'));
    if (hasAlgorithm(header)) spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
};

const hasAlgorithm = (header: string): boolean => {
  if (header.length > MAX_HEADER_LENGTH) return false;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
};
