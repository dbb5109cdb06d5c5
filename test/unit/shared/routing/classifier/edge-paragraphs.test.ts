import { describe, expect, test } from 'vitest';
// A seeded generator (mulberry32, the trainer's), so a failure replays.
import { seededRandom as random } from '#scripts/routing-model/logistic.ts';
import { edgeParagraphs } from '#shared/routing/classifier/classifier-features.ts';
import { taskText, withoutFencedBlocks } from '#shared/routing/features.ts';

// The shipped models were trained on the paragraph cut as it first was: a split of the whole
// message. The scan of its two ends must give the same string for every message; this is that
// first version, kept as the reference.
const splitEdgeParagraphs = (lastUser: string): string => {
  const text = withoutFencedBlocks(lastUser);
  if (text.length <= 1250) return text;
  const paragraphs = text.split(/\n\s*\n/);
  let head = 0;
  for (let used = 0; head < paragraphs.length; head++) {
    used += (paragraphs[head] as string).length;
    if (used > 500) break;
  }
  let tail = paragraphs.length;
  for (let used = 0; tail > head; tail--) {
    used += (paragraphs[tail - 1] as string).length;
    if (used > 500) break;
  }
  if (head === 0 && tail === paragraphs.length) return taskText(lastUser);
  const start = head > 0 ? paragraphs.slice(0, head).join('\n') : text.slice(0, 500);
  const end = tail < paragraphs.length ? paragraphs.slice(tail).join('\n') : text.slice(-500);
  return `${start}\n${end}`;
};

const SPACES = [
  ' ',
  '\t',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
];
/** Characters, heavy in newlines and other spaces; also fences, letters and a non-space look-alike. */
const ALPHABET = ['\n', '\n', '\n', '\n', ...SPACES, '```', '`', 'a', 'b', 'c', '.', '?', '\u200b', '\u180e'];

const texts = (seed: number, count: number): string[] => {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const int = (below: number): number => Math.floor(next() * below);
  const soup = (length: number): string => {
    const out: string[] = [];
    for (let chars = 0; chars < length; chars += (out.at(-1) as string).length) out.push(next() < 0.5 ? 'x' : pick(ALPHABET));
    return out.join('');
  };
  /** Whitespace holding `newlines` newlines, up to `width` other spaces around each. */
  const gap = (newlines: number, width = 4): string => {
    let out = '';
    for (let i = 0; i <= newlines; i++) {
      for (let k = int(width); k > 0; k--) out += next() < 0.3 ? pick(SPACES) : ' ';
      if (i < newlines) out += '\n';
    }
    return out;
  };
  const letters = (length: number): string => {
    const out: string[] = [];
    for (let chars = 0; chars < length; chars += (out.at(-1) as string).length) {
      out.push(next() < 0.6 ? pick(['a', 'b', 'c', '.']).repeat(1 + int(8)) : next() < 0.7 ? ' ' : gap(1));
    }
    return out.join('').slice(0, length);
  };
  /** Paragraph lengths near the budget's edges (one side's sum of 500) and a few others. */
  const length = (): number =>
    pick([0, 1, 2, 3, 10, 100, 166, 248, 249, 250, 251, 252, 333, 498, 499, 500, 501, 502, 700, 1300, int(600)]);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const kind = n % 5;
    if (kind === 0) {
      // Character soup near the long-message threshold (1,250) and beyond (fences take some out).
      out.push(soup(pick([1200, 1249, 1250, 1251, 1252, 1260, 1500, 2000, 2500, 3000, 4000]) + int(40) - 20));
    } else if (kind === 4) {
      // A few paragraphs and wide breaks: all of them may fit at the head, or the two ends meet.
      const parts = [next() < 0.3 ? gap(2 + int(20), 60) : ''];
      for (let i = 0, paragraphs = 1 + int(6); i < paragraphs; i++) {
        if (i > 0) parts.push(gap(next() < 0.8 ? 2 + int(20) : int(2), next() < 0.5 ? 60 : 300));
        parts.push(letters(next() < 0.8 ? int(120) : length()));
      }
      if (next() < 0.3) parts.push(gap(2 + int(20), 60));
      out.push(parts.join(''));
    } else {
      // Paragraphs of chosen lengths, joined by breaks of 2-4 newlines or by a single newline.
      const parts: string[] = [];
      if (next() < 0.2) parts.push(gap(2 + int(2)));
      const paragraphs = kind === 3 ? 2 + int(80) : 2 + int(8);
      for (let i = 0; i < paragraphs; i++) {
        if (i > 0) parts.push(gap(next() < 0.8 ? 2 + int(3) : int(2)));
        // Some first and last paragraphs that do not fit a side alone.
        const long = kind !== 3 && (i === 0 || i === paragraphs - 1) && next() < 0.4;
        parts.push(letters(long ? 501 + int(300) : kind === 3 ? int(30) : length()));
        if (next() < 0.05) parts.push(`\`\`\`${soup(int(300))}\`\`\``);
      }
      if (next() < 0.2) parts.push(gap(2 + int(2)));
      if (next() < 0.1) parts.push(pick(['```', '```x\n\n', '\n```']));
      let text = parts.join('');
      // Pad some to just around the threshold, where the cut starts.
      if (next() < 0.3 && text.length < 1250) text += `\n\n${letters(1250 - text.length + int(6) - 3)}`;
      out.push(text);
    }
  }
  return out;
};

describe('edgeParagraphs', () => {
  test('gives what the split of the whole message gave, for 12,000 random messages', () => {
    // Prepare
    const cases = [...texts(1, 6_000), ...texts(20_240_601, 6_000)];

    // Act
    const differ = cases.filter((text) => edgeParagraphs(text) !== splitEdgeParagraphs(text));

    // Assess: JSON shows the whitespace of the first message that differs.
    expect(cases.filter((text) => withoutFencedBlocks(text).length > 1250).length).toBeGreaterThan(6_000);
    expect(differ.slice(0, 1).map((text) => JSON.stringify(text))).toEqual([]);
  });

  test('keeps the edge paragraphs of a long message and joins them with newlines', () => {
    // Prepare
    const ask = 'Summarise the report below.';
    const close = 'Answer in one line.';
    const message = `${ask}\n\n${'The report. '.repeat(150)}\n \n${close}`;

    // Assess
    expect(edgeParagraphs(message)).toBe(`${ask}\n${close}`);
    expect(edgeParagraphs(message)).toBe(splitEdgeParagraphs(message));
  });

  test("a message whose first and last paragraphs are long is cut as taskText cuts it (the split version's fallback)", () => {
    // Prepare
    const message = `${'a'.repeat(800)}\n\nmiddle\n\n${'b'.repeat(800)}`;

    // Assess
    expect(edgeParagraphs(message)).toBe(taskText(message));
  });

  test('hostile bodies of 3 MB (tiny paragraphs, no breaks, only spaces, newlines) give the same as the split', () => {
    // Prepare
    const bodies = [
      'a\n\n'.repeat(1_000_000),
      'a'.repeat(3_000_000),
      ' '.repeat(3_000_000),
      '\n'.repeat(3_000_000),
      `${'x'.repeat(600)}\n\ny\n${'\u3000'.repeat(3_000_000)}\nz`,
      `a\n${' '.repeat(3_000_000)}\n\n${'b '.repeat(400)}`,
    ];

    // Assess
    for (const body of bodies) expect(edgeParagraphs(body) === splitEdgeParagraphs(body)).toBe(true);
  });
});
