// Issuer identification number (IIN) ranges and lengths of the common card networks. A digit
// run must fall in one of these as well as pass Luhn: 10% of random runs pass Luhn alone.

interface CardNetwork {
  /** Inclusive ranges of leading digits; both ends have the same number of digits. */
  ranges: ReadonlyArray<readonly [from: string, to: string]>;
  lengths: readonly number[];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

const cardNetworks: readonly CardNetwork[] = [
  // Visa
  { ranges: [['4', '4']], lengths: [13, 16, 19] },
  // Mastercard
  {
    ranges: [
      ['51', '55'],
      ['2221', '2720'],
    ],
    lengths: [16],
  },
  // American Express
  {
    ranges: [
      ['34', '34'],
      ['37', '37'],
    ],
    lengths: [15],
  },
  // Discover
  {
    ranges: [
      ['6011', '6011'],
      ['644', '649'],
      ['65', '65'],
      ['622126', '622925'],
    ],
    lengths: range(16, 19),
  },
  // JCB
  { ranges: [['3528', '3589']], lengths: range(16, 19) },
  // Diners Club
  {
    ranges: [
      ['300', '305'],
      ['3095', '3095'],
      ['36', '36'],
      ['38', '39'],
    ],
    lengths: range(14, 19),
  },
  // UnionPay
  { ranges: [['62', '62']], lengths: range(16, 19) },
  // Maestro
  {
    ranges: [
      ['5018', '5018'],
      ['5020', '5020'],
      ['5038', '5038'],
      ['5893', '5893'],
      ['6304', '6304'],
      ['6759', '6759'],
      ['6761', '6763'],
    ],
    lengths: range(13, 19),
  },
];

const DIGIT_ZERO = 48;

// Ranges as numbers, scaled to six digits: comparing the first six digits of a candidate to
// them needs no string work per candidate.
const issuerRanges = cardNetworks.flatMap((network) =>
  network.ranges.map(([from, to]) => {
    const scale = 10 ** (6 - from.length);
    return { low: Number(from) * scale, high: (Number(to) + 1) * scale - 1, lengths: network.lengths };
  }),
);

/**
 * True when the digits in `text[from, to)` (other characters are separators and skipped) are a
 * card number: a length some network issues at this IIN, and a valid Luhn check digit.
 */
export const isCardNumber = (text: string, from: number, to: number): boolean => {
  let length = 0;
  let leadingSix = 0;
  for (let index = from; index < to; index += 1) {
    const digit = text.charCodeAt(index) - DIGIT_ZERO;
    if (digit < 0 || digit > 9) continue;
    if (length < 6) leadingSix = leadingSix * 10 + digit;
    length += 1;
  }
  if (length < 13 || length > 19) return false;
  const known = issuerRanges.some(
    ({ low, high, lengths }) => leadingSix >= low && leadingSix <= high && lengths.includes(length),
  );
  return known && passesLuhn(text, from, to);
};

/** Luhn over the digits of `text[from, to)`, from the right, skipping separators. */
const passesLuhn = (text: string, from: number, to: number): boolean => {
  let sum = 0;
  let double = false;
  for (let index = to - 1; index >= from; index -= 1) {
    let digit = text.charCodeAt(index) - DIGIT_ZERO;
    if (digit < 0 || digit > 9) continue;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
};
