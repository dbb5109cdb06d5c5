import { foldForPhrases, ignoreInstructions, revealSystemPrompt, roleOverride } from './injection-phrases.ts';

// Prompt-injection heuristics. They report reason codes, never the matched text, and are meant
// to flag or block untrusted text (user and tool messages). They are heuristics: a paraphrase
// gets through, which is why they sit next to, not instead of, the model's own defences.
//
// Deliberately quiet on ordinary text about instructions ("follow the installation
// instructions", "ignore the warning if you use Node 20", "the previous instructions were
// unclear"), on a bare "jailbreak" (phones), "developer mode" (browsers, Android) and
// "you are now" ("you are now logged in"), and on HTML's `<s>…</s>` strikethrough.

export const injectionCodes = [
  'ignore_instructions',
  'reveal_system_prompt',
  'role_override',
  'instruction_delimiter',
  'encoded_payload',
] as const;

export type InjectionCode = (typeof injectionCodes)[number];

export interface InjectionFinding {
  code: InjectionCode;
}

// Chat-template markers that only make sense to fake a turn boundary or a system message.
const DELIMITERS: readonly RegExp[] = [
  /<\|(?:im_start|im_end|im_sep|endoftext|system|user|assistant|begin_of_text|end_of_text|start_header_id|end_header_id|eot_id|eom_id)\|>/i,
  /\[\/?INST\]/,
  /<<\/?SYS>>/,
  /<\/?(?:system|system_prompt)>/i,
  /^[ \t]{0,8}#{1,6}[ \t]{0,8}(?:system|assistant)(?:[ \t]{1,8}(?:prompt|message|instructions?))?[ \t]{0,8}:/im,
  // `</s>` alone is HTML strikethrough; only an end-of-sequence followed by a new turn counts.
  /<\/s>[ \t\r\n]{0,8}(?:<s>|\[INST\]|<\||(?:system|user|assistant|human)[ \t]{0,8}:)/i,
];

// Base64 (standard or url-safe) long enough to hold a sentence. Runs are found by a table-driven
// character loop: a regex spends about as long again on every position of code-heavy text.
const MIN_BASE64_RUN = 32;
const BASE64_CHARS = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') {
  BASE64_CHARS[character.charCodeAt(0)] = 1;
}

/** Only the start of a huge run is decoded: an instruction is short, and decoding is bounded. */
const MAX_DECODED_RUN = 16_384;
const MAX_DECODED_TOTAL = 262_144;
const MIN_PRINTABLE_SHARE = 0.9;

export const detectInjection = (text: string): InjectionFinding[] => {
  const codes = new Set<InjectionCode>();
  for (const code of phraseCodes(text)) codes.add(code);
  if (DELIMITERS.some((pattern) => pattern.test(text))) codes.add('instruction_delimiter');
  if (hasEncodedInstruction(text)) codes.add('encoded_payload');
  return injectionCodes.filter((code) => codes.has(code)).map((code) => ({ code }));
};

const phraseCodes = (text: string): InjectionCode[] => {
  const folded = foldForPhrases(text);
  const codes: InjectionCode[] = [];
  if (ignoreInstructions.test(folded)) codes.push('ignore_instructions');
  if (revealSystemPrompt.test(folded)) codes.push('reveal_system_prompt');
  if (roleOverride.test(folded)) codes.push('role_override');
  return codes;
};

const hasEncodedInstruction = (text: string): boolean => {
  let budget = MAX_DECODED_TOTAL;
  let runStart = 0;
  for (let index = 0; index <= text.length && budget > 0; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 0;
    if (code < 128 && BASE64_CHARS[code] === 1) continue;
    if (index - runStart >= MIN_BASE64_RUN) {
      const run = text.slice(runStart, Math.min(index, runStart + MAX_DECODED_RUN, runStart + budget));
      budget -= run.length;
      const decoded = decodeReadable(run);
      if (decoded !== undefined && (phraseCodes(decoded).length > 0 || DELIMITERS.some((pattern) => pattern.test(decoded)))) {
        return true;
      }
    }
    runStart = index + 1;
  }
  return false;
};

/** The run decoded as text, or undefined when it is binary (hashes, keys, compressed data). */
const decodeReadable = (run: string): string | undefined => {
  const bytes = Buffer.from(run, 'base64');
  let printable = 0;
  for (const byte of bytes) if ((byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d) printable += 1;
  return bytes.length > 0 && printable / bytes.length >= MIN_PRINTABLE_SHARE ? bytes.toString('utf8') : undefined;
};
