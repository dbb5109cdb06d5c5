// Character tests on UTF-16 code units. The hand-written scanners call these per character,
// which is cheaper than a regex per character and never backtracks.

export const isDigit = (code: number): boolean => code >= 48 && code <= 57;

export const isAsciiLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

export const isAsciiAlnum = (code: number): boolean => isDigit(code) || isAsciiLetter(code);

/** Horizontal and vertical whitespace, including the no-break space. */
export const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13) || code === 0xa0;

/**
 * Generated keys mix at least two of lowercase, uppercase and digits; words, kebab-case CSS
 * classes and SCREAMING_CASE constants do not. Used to tell `sk-8fJ2...` from `sk-spinner-wrapper`.
 */
export const looksRandom = (value: string): boolean => {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code >= 97 && code <= 122) lower = 1;
    else if (code >= 65 && code <= 90) upper = 1;
    else if (isDigit(code)) digit = 1;
  }
  return lower + upper + digit >= 2;
};
