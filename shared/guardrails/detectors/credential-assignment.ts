import type { Span } from './span.ts';

// Credentials assigned to a telling name: `password=…`, `DB_PASSWORD: …`, `"api_key": "…"`,
// `client_secret = '…'`, `token := …`, `Authorization: Bearer …`. Only the value is reported, so
// the redacted text keeps `password=[SECRET_1]` and stays readable.
//
// Deliberately not secrets, because in code they are references rather than values:
// - values under 8 characters (`password: string`, `token: null`);
// - unquoted identifiers and member paths (`apiKey = config.apiKey`, `token = process.env.TOKEN`,
//   `password = userPassword`): an unquoted value needs a digit and no dots to count;
// - calls, indexing and generics (`token = getToken()`, `os.environ["KEY"]`);
// - environment references and templates (`$DB_PASSWORD`, `${SECRET}`, `%PASSWORD%`, `{{ token }}`);
// - placeholders and masks (`<your-api-key>`, `********`, `xxxxxxxx`).
// An unquoted value made only of letters (`password=changeme`) is missed: in code it is usually
// an identifier.

const ASSIGNMENT =
  /(?<![A-Za-z0-9])(?:password|passwd|passphrase|pwd|secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|token|private[_-]?key|credentials?)["']?[ \t]{0,5}(?::=|=>|:|=)[ \t]{0,5}(?:"([^"\r\n]{8,256})"|'([^'\r\n]{8,256})'|`([^`\r\n]{8,256})`|([^\s"'`,;&()[\]{}<>]{8,256}))/dgi;
const BEARER = /(?<![A-Za-z0-9])bearer[ \t]{1,5}([A-Za-z0-9._~+/-]{20,4096}=*)(?![A-Za-z0-9._~+/=-])/dgi;

const IDENTIFIER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const HAS_DIGIT = /\d/;
const MIN_VALUE_LENGTH = 8;
const REFERENCE = /^[$%<]|\$\{|\{\{|process\.env|os\.environ/;
const MASK = /^[*x•.#_-]+$/i;
const CODE_CONTINUATION = /^[([{<]/;

export const findCredentialAssignments = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(ASSIGNMENT)) {
    const quoted = [1, 2, 3].find((group) => match[group] !== undefined);
    const group = quoted ?? 4;
    const value = match[group];
    const range = match.indices?.[group];
    if (value === undefined || range === undefined) continue;
    if (REFERENCE.test(value) || MASK.test(value)) continue;
    if (quoted !== undefined) {
      spans.push({ start: range[0], end: range[1] });
      continue;
    }
    const end = withoutTrailingDots(text, range[0], range[1]);
    const literal = text.slice(range[0], end);
    if (literal.length >= MIN_VALUE_LENGTH && isUnquotedLiteral(literal, text.charAt(range[1])))
      spans.push({ start: range[0], end });
  }
  for (const match of text.matchAll(BEARER)) {
    const range = match.indices?.[1];
    if (range === undefined || !HAS_DIGIT.test(match[1] ?? '')) continue;
    spans.push({ start: range[0], end: withoutTrailingDots(text, range[0], range[1]) });
  }
  return spans;
};

/** "password=hunter2hunter." ends a sentence: the dot is not part of the value. */
const withoutTrailingDots = (text: string, start: number, end: number): number => {
  let trimmed = end;
  while (trimmed > start && text.charCodeAt(trimmed - 1) === 46) trimmed -= 1;
  return trimmed;
};

const isUnquotedLiteral = (value: string, next: string): boolean => {
  if (CODE_CONTINUATION.test(next)) return false;
  if (IDENTIFIER_PATH.test(value)) return !value.includes('.') && HAS_DIGIT.test(value);
  return true;
};
