// Prompt-injection phrases, matched on text folded by `foldForPhrases`: NFKC, lowercase, and
// every run of non-letters/digits turned into one space. Phrases are therefore written as
// lowercase words separated by single spaces, and "IGNORE   all... previous *instructions*"
// matches like "ignore all previous instructions". Word lists are alternations of literals with
// bounded repeats: nothing here can backtrack badly on a long input.

const INVISIBLE = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g;
// Runs of non-letters/digits other than a lone space (which is already folded): rewriting every
// space between words would make folding a 1 MB prompt several times slower.
const NON_WORD = /[^\p{L}\p{N} ][^\p{L}\p{N}]*| [^\p{L}\p{N}]+/gu;

export const foldForPhrases = (text: string): string =>
  ` ${text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().replace(NON_WORD, ' ')} `;

const IGNORE_VERB = '(?:ignore|disregard|forget|bypass|discard|abandon|neglect)';
// A negation right before the verb turns a command into advice: "don't forget the previous
// instructions". Checked after the verb matched, so it costs nothing at other positions.
const notNegated = (verb: string): string => `(?<!(?:don t|do not|never|not|didn t|won t|shouldn t|dont) ${verb})`;
const FILLER = '(?:all|any|of|the|your|my|these|those|every|each|and|or|about)';
// What makes "instructions" theirs rather than a manual's: "the previous", "your", "system".
const QUALIFIER =
  '(?:previous|previously|prior|above|earlier|preceding|foregoing|former|original|initial|your|system|developer|safety)';
const RULES =
  '(?:instructions?|rules?|prompts?|directives?|guidelines?|commands?|guardrails?|constraints?|restrictions?|policy|policies|programming|training)';

export const ignoreInstructions: readonly RegExp[] = [
  new RegExp(
    `\\b${IGNORE_VERB}${notNegated(IGNORE_VERB)}(?: ${FILLER}){0,4} ${QUALIFIER}(?: ${QUALIFIER})?(?: [a-z]+){0,2}? ${RULES}\\b`,
  ),
  new RegExp(
    `\\b(?:ignore|disregard|forget)${notNegated('(?:ignore|disregard|forget)')} (?:about )?(?:everything|all)(?: that)?(?: (?:you ve been|you have been|you were|i) (?:told|said|given|written))? (?:above|so far|until now|previously|up to now)\\b`,
  ),
];

const REVEAL_VERB =
  '(?:print|reveal|show|display|output|repeat|tell|give|share|leak|dump|expose|disclose|recite|echo|write out|spell out|type out|paste)';
const REVEAL_FILLER = '(?:me|us|out|back|all|of|exactly|verbatim|word for word|full|entire|complete|exact|whole)';
const PROMPT_NOUN =
  '(?:system prompt|system message|system instructions?|instructions|initial prompt|initial instructions|original prompt|original instructions|hidden prompt|hidden instructions|prompt|pre prompt|preprompt|configuration)';

export const revealSystemPrompt: readonly RegExp[] = [
  new RegExp(`\\b${REVEAL_VERB}(?: ${REVEAL_FILLER}){0,4} your(?: [a-z]+)?? ${PROMPT_NOUN}\\b`),
  new RegExp(
    `\\b${REVEAL_VERB}(?: ${REVEAL_FILLER}){0,4} (?:the|all the) (?:[a-z]+ )??(?:system prompt|system message|instructions|prompt|text|words) (?:above|verbatim|you were given|before this)\\b`,
  ),
  /\bwhat (?:is|are|were) your (?:[a-z]+ )?(?:system prompt|system message|system instructions|instructions|initial prompt)\b/,
];

const UNBOUND = '(?:dan|stan|unfiltered|unrestricted|uncensored|jailbroken|unchained|unbound|liberated|evil|rogue)';

export const roleOverride: readonly RegExp[] = [
  new RegExp(
    `\\byou(?: are| re) now (?:a |an |the )?(?:${UNBOUND}|in (?:developer|dan|god|jailbreak|jailbroken|unrestricted) mode|no longer|free from|an ai without|ai without)\\b`,
  ),
  new RegExp(`\\b(?:act|behave|respond|roleplay) as (?:a |an |if you were )?(?:${UNBOUND}|do anything now)\\b`),
  /\bact as if you (?:have|had) no (?:restrictions|rules|guidelines|filters|limits|limitations)\b/,
  new RegExp(`\\bpretend (?:to be|you are|you re|that you are) (?:a |an )?(?:${UNBOUND}|ai without|ai with no|model without)\\b`),
  /\bdo anything now\b/,
  /\b(?:developer|dan|god|jailbreak) mode (?:enabled|activated|on|output)\b/,
  /\b(?:enable|enter|activate|switch to|simulate|turn on) (?:dan|god|jailbreak|jailbroken|unrestricted|unfiltered) mode\b/,
  /\b(?:chatgpt|gpt|claude|assistant|ai|you) (?:with|in) developer mode\b/,
  /\bjailbreak(?:ed)? (?:prompt|mode)\b/,
  /\byou(?: are| re) (?:now )?jailbroken\b/,
  /\byou(?: are| re) no longer (?:bound|restricted|limited|an ai|chatgpt|claude|an assistant)\b/,
  /\bfree (?:yourself )?from (?:all |any |your )?(?:restrictions|rules|guidelines|constraints|limitations|policies|filters)\b/,
];

export const matchesAny = (folded: string, patterns: readonly RegExp[]): boolean =>
  patterns.some((pattern) => pattern.test(folded));
