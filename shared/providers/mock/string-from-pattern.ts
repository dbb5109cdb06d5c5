// The shortest plain string a regular expression of the usual kind describes: literals, escapes
// (`\d`, `\w`, `\.`), classes (`[A-Z]`, `[^\s]`, `\p{L}`), groups with alternation (the first
// branch), quantifiers at their minimum (`+` once). `^[A-Z]{3}-\d{3}$` gives `AAA-000`. Anything
// else (lookarounds, backreferences) is skipped; the caller tests the result against the pattern.

/** Characters tried, in order, for a class or an escape: readable ones first. */
const CANDIDATE_CHARS = [
  ...'aA0',
  ...'bcdefghijklmnopqrstuvwxyz',
  ...'BCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'123456789',
  ...' _-.,:;/@#+*?!=&%$()[]{}<>|~^\'"`\\',
];

/** Longer results are abandoned (a quantifier such as `{5000}`); short ones keep the final test cheap. */
const MAX_LENGTH = 64;

class Unsupported extends Error {}

/** The first candidate character a one-character regular expression (a class, an escape) matches. */
const firstMatching = (source: string, flags: string): string => {
  let matcher: RegExp;
  try {
    matcher = new RegExp(`^${source}$`, flags);
  } catch {
    throw new Unsupported(source);
  }
  const found = CANDIDATE_CHARS.find((char) => matcher.test(char));
  if (found === undefined) throw new Unsupported(source);
  return found;
};

class PatternReader {
  private readonly pattern: string;
  private readonly flags: string;
  private position = 0;

  constructor(pattern: string, flags: string) {
    this.pattern = pattern;
    this.flags = flags;
  }

  /** The whole pattern. */
  read(): string {
    const text = this.alternatives();
    if (this.position < this.pattern.length) throw new Unsupported(this.pattern);
    return text;
  }

  private peek(): string | undefined {
    return this.pattern[this.position];
  }

  /** `a|b|c`: the first branch (the others are read past). */
  private alternatives(): string {
    const first = this.sequence();
    while (this.peek() === '|') {
      this.position += 1;
      this.sequence();
    }
    return first;
  }

  private sequence(): string {
    let text = '';
    for (let char = this.peek(); char !== undefined && char !== '|' && char !== ')'; char = this.peek()) {
      const atom = this.atom();
      text += this.quantified(atom);
      if (text.length > MAX_LENGTH) throw new Unsupported(this.pattern);
    }
    return text;
  }

  /** One atom's text, before its quantifier. */
  private atom(): string {
    const char = this.pattern.charAt(this.position);
    this.position += 1;
    switch (char) {
      case '^':
      case '$':
        return '';
      case '.':
        return 'a';
      case '(':
        return this.group();
      case '[':
        return this.characterClass();
      case '\\':
        return this.escape();
      default:
        return char;
    }
  }

  private group(): string {
    let lookaround = false;
    if (this.pattern.startsWith('?:', this.position)) this.position += 2;
    else if (/^\?<?[=!]/.test(this.pattern.slice(this.position))) {
      lookaround = true;
      this.position += this.pattern[this.position + 1] === '<' ? 3 : 2;
    } else if (this.pattern.startsWith('?<', this.position)) {
      const end = this.pattern.indexOf('>', this.position);
      if (end < 0) throw new Unsupported(this.pattern);
      this.position = end + 1;
    }
    const text = this.alternatives();
    if (this.peek() !== ')') throw new Unsupported(this.pattern);
    this.position += 1;
    // A lookaround matches no characters; the caller's test decides whether it holds.
    return lookaround ? '' : text;
  }

  private characterClass(): string {
    const start = this.position - 1;
    if (this.peek() === '^') this.position += 1;
    if (this.peek() === ']') this.position += 1;
    while (this.position < this.pattern.length && this.peek() !== ']') this.position += this.peek() === '\\' ? 2 : 1;
    if (this.peek() !== ']') throw new Unsupported(this.pattern);
    this.position += 1;
    return firstMatching(this.pattern.slice(start, this.position), this.flags);
  }

  private escape(): string {
    const char = this.peek();
    if (char === undefined) throw new Unsupported(this.pattern);
    this.position += 1;
    if (char === 'b' || char === 'B') return '';
    if (/[1-9k]/.test(char)) throw new Unsupported(this.pattern);
    if (char === 'p' || char === 'P' || char === 'u' || char === 'x') {
      // `\p{L}`, `\u{1F600}`, `\u0041`, `\x41`: read the whole escape, then find a character for it.
      const match = /^(\{[^}]*\}|[0-9a-fA-F]{4}|[0-9a-fA-F]{2})/.exec(this.pattern.slice(this.position));
      const sequence = `\\${char}${match?.[0] ?? ''}`;
      this.position += match?.[0].length ?? 0;
      return firstMatching(sequence, this.flags);
    }
    if (/[dDwWsS]/.test(char)) return firstMatching(`\\${char}`, this.flags);
    if (char === 'n') return '\n';
    if (char === 't') return '\t';
    return char;
  }

  /** The atom repeated its minimum number of times. */
  private quantified(atom: string): string {
    const char = this.peek();
    let times = 1;
    let quantifier = true;
    if (char === '*' || char === '?') {
      times = 0;
      this.position += 1;
    } else if (char === '+') {
      this.position += 1;
    } else {
      const match = char === '{' ? /^\{(\d+)(,\d*)?\}/.exec(this.pattern.slice(this.position)) : null;
      if (match) {
        times = Number(match[1]);
        this.position += match[0].length;
      } else quantifier = false;
    }
    // A lazy mark changes nothing about the shortest match.
    if (quantifier && this.peek() === '?') this.position += 1;
    if (times > MAX_LENGTH) throw new Unsupported(this.pattern);
    return atom.repeat(times);
  }
}

/** A string for `pattern` (checked against it), or undefined when the pattern is beyond this reader. */
export const stringFromPattern = (pattern: RegExp): string | undefined => {
  try {
    const text = new PatternReader(pattern.source, pattern.flags).read();
    return pattern.test(text) ? text : undefined;
  } catch {
    // Beyond this reader (Unsupported), or nested deeper than the stack allows: no example.
    return undefined;
  }
};
