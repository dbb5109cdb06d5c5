import { foldForPhrases, ignoreInstructions, matchesAny, revealSystemPrompt, roleOverride } from './injection-phrases.ts';

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

// Base64 (standard or url-safe) long enough to hold a sentence. The lookbehind starts a match
// only where a run starts, so each run (each word of prose) is scanned once.
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}/g;
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
  if (matchesAny(folded, ignoreInstructions)) codes.push('ignore_instructions');
  if (matchesAny(folded, revealSystemPrompt)) codes.push('reveal_system_prompt');
  if (matchesAny(folded, roleOverride)) codes.push('role_override');
  return codes;
};

const hasEncodedInstruction = (text: string): boolean => {
  let budget = MAX_DECODED_TOTAL;
  for (const match of text.matchAll(BASE64_RUN)) {
    if (budget <= 0) return false;
    const run = match[0].slice(0, Math.min(MAX_DECODED_RUN, budget));
    budget -= run.length;
    const decoded = decodeReadable(run);
    if (decoded !== undefined && phraseCodes(decoded).length > 0) return true;
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
