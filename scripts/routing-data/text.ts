import { createHash } from 'node:crypto';

// Small, dependency-free helpers for the corpus builder: a seeded PRNG, CSV parsing, HTML to plain
// text, and decoding of files whose encoding is not (or not only) UTF-8.

export type Rng = () => number;

/** mulberry32 seeded from the first 4 bytes of sha256(seed): same seed string, same stream. */
export const seededRng = (seed: string): Rng => {
  let state = createHash('sha256').update(seed).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const randomInt = (rng: Rng, n: number): number => Math.floor(rng() * n);

export const pick = <T>(rng: Rng, items: readonly T[]): T => {
  const item = items[randomInt(rng, items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
};

/** Fisher-Yates on a copy. */
export const shuffled = <T>(rng: Rng, items: readonly T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
};

/** Line endings to \n, trailing spaces off each line, no leading/trailing blank lines. */
export const clean = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

const utf8 = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

/** UTF-8 line by line, falling back to Windows-1252 for lines that are not valid UTF-8. */
export const decodeMixed = (bytes: Buffer): string => {
  const lines: string[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    const line = bytes.subarray(start, end);
    try {
      lines.push(utf8.decode(line));
    } catch {
      lines.push(cp1252.decode(line));
    }
    start = end + 1;
  }
  return lines.join('\n');
};

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
};

/** CSV with a header row, as records keyed by column name. */
export const parseCsvRecords = (text: string): Record<string, string>[] => {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return [];
  return rows
    .filter((cells) => cells.some((cell) => cell !== ''))
    .map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
};

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  NoBreak: '',
  ZeroWidthSpace: '',
  le: '≤',
  ge: '≥',
  ne: '≠',
  times: '×',
  minus: '−',
  plusmn: '±',
  divide: '÷',
  middot: '·',
  sdot: '⋅',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  rarr: '→',
  larr: '←',
  harr: '↔',
  uarr: '↑',
  darr: '↓',
  rArr: '⇒',
  lArr: '⇐',
  hArr: '⇔',
  lceil: '⌈',
  rceil: '⌉',
  lfloor: '⌊',
  rfloor: '⌋',
  infin: '∞',
  deg: '°',
  sum: '∑',
  prod: '∏',
  radic: '√',
  isin: '∈',
  notin: '∉',
  forall: '∀',
  exist: '∃',
  empty: '∅',
  cap: '∩',
  cup: '∪',
  sub: '⊂',
  sube: '⊆',
  sup: '⊃',
  supe: '⊇',
  and: '∧',
  or: '∨',
  not: '¬',
  oplus: '⊕',
  otimes: '⊗',
  equiv: '≡',
  asymp: '≈',
  approx: '≈',
  prime: '′',
  Prime: '″',
  lang: '⟨',
  rang: '⟩',
  copy: '©',
  reg: '®',
  trade: '™',
  eacute: 'é',
  egrave: 'è',
  aacute: 'á',
  agrave: 'à',
  ouml: 'ö',
  uuml: 'ü',
  auml: 'ä',
  ccedil: 'ç',
  ntilde: 'ñ',
  szlig: 'ß',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  theta: 'θ',
  lambda: 'λ',
  mu: 'μ',
  pi: 'π',
  rho: 'ρ',
  sigma: 'σ',
  tau: 'τ',
  phi: 'φ',
  omega: 'ω',
  Delta: 'Δ',
  Sigma: 'Σ',
  Omega: 'Ω',
};

export const decodeEntities = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return entities[name] ?? whole;
  });

// A tag, with attribute values that may themselves hold '>' (inline onclick handlers do).
const tag = `<(?:[^>"']|"[^"]*"|'[^']*')*>`;
const anyTag = new RegExp(tag, 'g');
const blockTag = new RegExp(`</?(?:p|div|h[1-6]|ul|ol|table|tr|blockquote|section|article|center)\\b${tag.slice(1)}`, 'gi');

/**
 * Problem-statement HTML to the plain text a person would paste into a chat: paragraphs kept,
 * <pre> blocks verbatim, sub/superscripts as _x and ^x, MathJax's $$$ delimiters as $.
 */
export const htmlToText = (html: string): string => {
  let s = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  s = s.replace(/<(script|style|head|noscript)\b[\s\S]*?<\/\1>/gi, '').replace(/<!--[\s\S]*?-->/g, '');
  // The sample boxes carry download and copy buttons whose icon names would otherwise leak in.
  s = s
    .replace(/<div class="sample-header-(?:download|copy)-button"[\s\S]*?<\/div>/gi, '')
    .replace(/<i class="material-icons\b[^"]*"[^>]*>[\s\S]*?<\/i>/gi, '')
    .replace(/<span class="sample-header-copy-popup"[^>]*>[\s\S]*?<\/span>/gi, '');
  const pres: string[] = [];
  s = s.replace(/<pre\b[^>]*>([\s\S]*?)<\/pre>/gi, (_whole, body: string) => {
    pres.push(decodeEntities(body.replace(anyTag, '')).replace(/^\n+|\s+$/g, ''));
    return `\uE000${pres.length - 1}\uE000`;
  });
  s = s.replace(/\s+/g, ' ');
  s = s.replace(/<sub\b[^>]*>([\s\S]*?)<\/sub>/gi, '_$1').replace(/<sup\b[^>]*>([\s\S]*?)<\/sup>/gi, '^$1');
  s = s.replace(/<br\b[^>]*>/gi, '\n').replace(/<li\b[^>]*>/gi, '\n- ');
  s = s.replace(blockTag, '\n\n').replace(anyTag, '');
  s = decodeEntities(s).replaceAll('$$$$', '$$').replaceAll('$$$', '$');
  s = s.replace(/\uE000(\d+)\uE000/g, (_whole, i: string) => `\n${pres[Number(i)] ?? ''}\n`);
  return clean(
    s
      .split('\n')
      .map((line) => line.trim())
      .join('\n'),
  );
};

const clitics = new Set(["'s", "'re", "'m", "'ll", "'ve", "'d", "n't"]);
const attachLeft = new Set([',', '.', '?', '!', ';', ':', '%', ')', ']', '...']);
const attachRight = new Set(['(', '[', '$', '#']);

/**
 * Tokenised English (`word , word`, `that 's`, `'' quoted ''`, `777 - 300`) back to written form, so
 * the prompt looks pasted rather than pre-processed. Standalone quote tokens alternate open/close.
 */
export const detokenise = (tokenised: string): string => {
  const tokens = tokenised.trim().split(/\s+/).filter(Boolean);
  let out = '';
  let glueNext = false;
  const open = { '"': false, "'": false };
  tokens.forEach((raw, i) => {
    const token = raw === "''" || raw === '``' ? '"' : raw;
    const prev = tokens[i - 1] ?? '';
    const next = tokens[i + 1] ?? '';
    let glue = glueNext || out === '';
    glueNext = false;
    if (token === '"' || token === "'") {
      if (open[token]) glue = true;
      else glueNext = true;
      open[token] = !open[token];
    } else if (attachLeft.has(token) || clitics.has(token.toLowerCase())) {
      glue = true;
    } else if (attachRight.has(token)) {
      glueNext = true;
    } else if (token === '-' && /\w$/.test(prev) && /^\w/.test(next)) {
      glue = true;
      glueNext = true;
    }
    out += glue ? token : ` ${token}`;
  });
  return out;
};
