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

/** Called once per candidate window, so ranges are compared as numbers without slicing strings. */
export const hasKnownIssuer = (digits: string): boolean => {
  const leadingSix = Number(digits.slice(0, 6));
  return cardNetworks.some(
    (network) =>
      network.lengths.includes(digits.length) &&
      network.ranges.some(([from, to]) => {
        const prefix = Math.floor(leadingSix / 10 ** (6 - from.length));
        return prefix >= Number(from) && prefix <= Number(to);
      }),
  );
};

export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
};
