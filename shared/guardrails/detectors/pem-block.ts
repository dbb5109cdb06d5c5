import type { Span } from './span.ts';

// PEM private keys (`-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]-----`),
// from the BEGIN line through the END line. A block pasted without its END line (truncated)
// runs to the end of its base64 body. Public keys and certificates are not secrets.

const BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
const END_SOURCE = '-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----';
const END = new RegExp(END_SOURCE, 'g');
const BASE64_BODY = /[A-Za-z0-9+/=\r\n]*/y;

/**
 * How the text of a block goes on from anywhere inside it: more of the base64 body (without
 * trailing line breaks), then perhaps its END line. For a stream that masks a block as it arrives.
 */
export const pemContinuation = new RegExp(`(?:[A-Za-z0-9+/=\\r\\n]*[A-Za-z0-9+/=])?(?:[\\r\\n]*${END_SOURCE})?`, 'y');

export const findPemBlocks = (text: string): Span[] => {
  const spans: Span[] = [];
  const begin = new RegExp(BEGIN);
  const end = new RegExp(END);
  // The next END marker is searched once and reused: re-searching from every BEGIN of a text
  // with many BEGINs and no END would be quadratic.
  let nextEnd: Span | undefined;
  let searched = false;
  for (let match = begin.exec(text); match !== null; match = begin.exec(text)) {
    const blockStart = match.index;
    const headerEnd = blockStart + match[0].length;
    if (!searched || (nextEnd !== undefined && nextEnd.start < headerEnd)) {
      end.lastIndex = headerEnd;
      const found = end.exec(text);
      nextEnd = found === null ? undefined : { start: found.index, end: found.index + found[0].length };
      searched = true;
    }
    const blockEnd = nextEnd === undefined ? bodyEnd(text, headerEnd) : nextEnd.end;
    spans.push({ start: blockStart, end: blockEnd });
    begin.lastIndex = blockEnd;
  }
  return spans;
};

/** The end of the base64 body after a BEGIN line, without trailing line breaks. */
const bodyEnd = (text: string, from: number): number => {
  const body = new RegExp(BASE64_BODY);
  body.lastIndex = from;
  let end = from + (body.exec(text)?.[0].length ?? 0);
  while (end > from && (text[end - 1] === '\n' || text[end - 1] === '\r')) end -= 1;
  return end;
};
