// Hashed text features for the complexity classifier: words and word pairs, and character
// n-grams, each hashed (FNV-1a, 32 bit) into one of `dims` buckets. Nothing is allocated per
// n-gram: the caller's `visit` receives each bucket as it is found, so the model can sum its
// weights in one pass and the trainer can collect the same buckets. Linear in the text's length.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Distinct seeds per namespace, so a word in the system prompt and one in the task differ. */
export const NAMESPACES = {
  taskWords: 0x9e3779b1,
  taskChars: 0x85ebca6b,
  systemWords: 0xc2b2ae35,
  taskStart: 0x27d4eb2f,
  taskEnd: 0x165667b1,
};
export type Namespace = keyof typeof NAMESPACES;

/** Letters and digits of any script are word characters; ASCII punctuation, spaces and the common Unicode punctuation blocks are not. */
const isWordChar = (code: number): boolean => {
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
  if (code >= 0x2000 && code <= 0x206f) return false; // General Punctuation
  if (code >= 0x3000 && code <= 0x303f) return false; // CJK punctuation
  if (code >= 0xff00 && code <= 0xff0f) return false; // fullwidth punctuation
  if (code === 0xa0 || code === 0xad) return false;
  return true;
};

/** Lower-cases ASCII and folds every digit to 0, so numbers share buckets (12 and 47 are alike to a router). */
const fold = (code: number): number => {
  if (code >= 65 && code <= 90) return code + 32;
  if (code >= 49 && code <= 57) return 48;
  return code;
};

const mix = (hash: number, code: number): number => Math.imul(hash ^ code, FNV_PRIME);

/** A CJK ideograph or kana is a word of its own (those scripts do not separate words with spaces). */
const isCjk = (code: number): boolean =>
  (code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af);

/**
 * Words (case- and digit-folded) and adjacent word pairs. Returns how many features were visited,
 * for the caller's normalization.
 */
export const hashWords = (text: string, namespace: Namespace, dims: number, visit: (bucket: number) => void): number => {
  const mask = dims - 1;
  const seed = NAMESPACES[namespace];
  let visited = 0;
  let word = FNV_OFFSET ^ seed;
  let inWord = false;
  let previous = 0;
  let hasPrevious = false;
  const endWord = (): void => {
    visit((word >>> 0) & mask);
    if (hasPrevious) visit((Math.imul(previous ^ word, FNV_PRIME) >>> 0) & mask);
    visited += hasPrevious ? 2 : 1;
    previous = word;
    hasPrevious = true;
    word = FNV_OFFSET ^ seed;
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isWordChar(code)) {
      if (inWord) endWord();
      continue;
    }
    if (isCjk(code)) {
      if (inWord) endWord();
      word = mix(word, code);
      inWord = true;
      endWord();
      continue;
    }
    word = mix(word, fold(code));
    inWord = true;
  }
  if (inWord) endWord();
  return visited;
};

/**
 * Character n-grams of lengths `minN`..`maxN` over the folded text, runs of non-word characters
 * collapsed to one space. Returns how many were visited.
 */
export const hashCharNgrams = (
  text: string,
  namespace: Namespace,
  dims: number,
  visit: (bucket: number) => void,
  minN = 3,
  maxN = 5,
): number => {
  const mask = dims - 1;
  const start = FNV_OFFSET ^ NAMESPACES[namespace];
  // The last maxN folded characters, newest first in `recent` (shifted by hand: maxN is tiny).
  const recent = new Int32Array(maxN);
  let filled = 0;
  let visited = 0;
  let lastWasSpace = true;
  const length = text.length;
  // Position -1 and `length` are virtual spaces, so n-grams see where the first and last words begin and end.
  for (let i = -1; i <= length; i++) {
    let code: number;
    if (i < 0 || i === length) {
      if (i === length && lastWasSpace) break;
      code = 32;
      lastWasSpace = true;
    } else {
      const raw = text.charCodeAt(i);
      if (isWordChar(raw)) {
        code = fold(raw);
        lastWasSpace = false;
      } else if (!lastWasSpace) {
        code = 32;
        lastWasSpace = true;
      } else continue;
    }
    for (let k = maxN - 1; k > 0; k--) recent[k] = recent[k - 1] as number;
    recent[0] = code;
    if (filled < maxN) filled += 1;
    // Every n-gram ending here, hashed from its last character backwards: they share that prefix.
    let hash = start;
    for (let k = 0; k < filled; k++) {
      hash = Math.imul(hash ^ (recent[k] as number), FNV_PRIME);
      if (k + 1 >= minN) {
        visit((hash >>> 0) & mask);
        visited += 1;
      }
    }
  }
  return visited;
};
