// Prompt-injection phrases. Text is folded first (NFKC, invisible characters removed, lowercase);
// phrases are written as lowercase words separated by single spaces, and each space matches any
// short run of non-alphanumerics, so "IGNORE   all... previous *instructions*" matches
// "ignore all previous instructions". Matching separators in the regex, rather than rewriting the
// text, keeps a 1 MB prompt of punctuation as cheap as one of prose. Word lists are alternations
// of literals with bounded repeats: nothing here can backtrack badly on a long input.

// Soft hyphen, zero-width and direction marks, bidi embeddings/overrides/isolates: invisible,
// so they can split a word without changing what a reader (or the model) sees.
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** NFKC folds fullwidth and stylized letters (`ｉｇｎｏｒｅ`) to ASCII. */
export const foldForPhrases = (text: string): string => text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();

const SEPARATOR = '[^a-z0-9]{1,32}';

/** A phrase pattern source: each space becomes a separator run. */
const phrase = (source: string): string => source.replaceAll(' ', SEPARATOR);

/** One regex per reason: a single scan of a 1 MB prompt is cheaper than one per phrase. */
const anyOf = (phrases: readonly string[]): RegExp => new RegExp(phrases.map((source) => `(?:${source})`).join('|'));

const IGNORE_VERB = '(?:ignore|disregard|forget|bypass|discard|abandon|neglect)';
// A negation right before the verb turns a command into advice: "don't forget the previous
// instructions". Checked after the verb matched, so it costs nothing at other positions.
const notNegated = (verb: string): string => `(?<!\\b(?:don t|do not|never|not|didn t|won t|shouldn t|dont) ${verb})`;
const FILLER = '(?:all|any|of|the|your|my|these|those|every|each|and|or|about)';
// What makes "instructions" theirs rather than a manual's: "the previous", "your", "system".
const QUALIFIER =
  '(?:previous|previously|prior|above|earlier|preceding|foregoing|former|original|initial|your|system|developer|safety)';
const RULES =
  '(?:instructions?|rules?|prompts?|directives?|guidelines?|commands?|guardrails?|constraints?|restrictions?|policy|policies|programming|training)';

export const ignoreInstructions = anyOf([
  phrase(
    `\\b${IGNORE_VERB}${notNegated(IGNORE_VERB)}(?: ${FILLER}){0,4} ${QUALIFIER}(?: ${QUALIFIER})?(?: [a-z]+){0,2}? ${RULES}\\b`,
  ),
  phrase(
    `\\b(?:ignore|disregard|forget)${notNegated('(?:ignore|disregard|forget)')}(?: about)? (?:everything|all)(?: that)?(?: (?:you ve been|you have been|you were|i) (?:told|said|given|written))? (?:above|so far|until now|previously|up to now)\\b`,
  ),
]);

const REVEAL_VERB =
  '(?:print|reveal|show|display|output|repeat|tell|give|share|leak|dump|expose|disclose|recite|echo|write out|spell out|type out|paste)';
const REVEAL_FILLER = '(?:me|us|out|back|all|of|exactly|verbatim|word for word|full|entire|complete|exact|whole)';
const PROMPT_NOUN =
  '(?:system prompt|system message|system instructions?|instructions|initial prompt|initial instructions|original prompt|original instructions|hidden prompt|hidden instructions|prompt|pre prompt|preprompt|configuration)';

export const revealSystemPrompt = anyOf([
  phrase(`\\b${REVEAL_VERB}(?: ${REVEAL_FILLER}){0,4} your(?: [a-z]+)?? ${PROMPT_NOUN}\\b`),
  phrase(
    `\\b${REVEAL_VERB}(?: ${REVEAL_FILLER}){0,4} (?:the|all the)(?: [a-z]+)?? (?:system prompt|system message|instructions|prompt|text|words) (?:above|verbatim|you were given|before this)\\b`,
  ),
  phrase(
    '\\bwhat (?:is|are|were) your(?: [a-z]+)? (?:system prompt|system message|system instructions|instructions|initial prompt)\\b',
  ),
]);

const UNBOUND = '(?:dan|stan|unfiltered|unrestricted|uncensored|jailbroken|unchained|unbound|liberated|evil|rogue)';

export const roleOverride = anyOf([
  phrase(
    `\\byou(?: are| re|re) now (?:a |an |the )?(?:${UNBOUND}|in (?:developer|dan|god|jailbreak|jailbroken|unrestricted) mode|no longer|free from|an ai without|ai without)\\b`,
  ),
  phrase(`\\b(?:act|behave|respond|roleplay) as (?:a |an |if you were )?(?:${UNBOUND}|do anything now)\\b`),
  phrase('\\bact as if you (?:have|had) no (?:restrictions|rules|guidelines|filters|limits|limitations)\\b'),
  phrase(`\\bpretend (?:to be|you are|you re|that you are) (?:a |an )?(?:${UNBOUND}|ai without|ai with no|model without)\\b`),
  phrase('\\bdo anything now\\b'),
  phrase('\\b(?:developer|dan|god|jailbreak) mode (?:enabled|activated|output)\\b'),
  phrase(
    '\\b(?:enable|enter|activate|switch to|simulate|turn on) (?:dan|god|jailbreak|jailbroken|unrestricted|unfiltered) mode\\b',
  ),
  phrase('\\b(?:chatgpt|gpt|claude|assistant|ai|you) (?:with|in) developer mode\\b'),
  phrase('\\byou(?: are| re|re)(?: now)? in (?:developer|dan|god|jailbreak|jailbroken) mode\\b'),
  phrase('\\bjailbreak(?:ed)? (?:prompt|mode)\\b'),
  phrase('\\byou(?: are| re|re) (?:now )?jailbroken\\b'),
  phrase('\\byou(?: are| re|re) no longer (?:bound|restricted|limited|an ai|chatgpt|claude|an assistant)\\b'),
  phrase(
    '\\bfree (?:yourself )?from (?:all |any |your )?(?:restrictions|rules|guidelines|constraints|limitations|policies|filters)\\b',
  ),
]);
