import type { Negative, Positive } from './sample.ts';

export const ibanPositives: Positive[] = [
  { name: 'German solid', text: 'IBAN DE89370400440532013000', expected: ['DE89370400440532013000'] },
  { name: 'German spaced', text: 'IBAN: DE89 3704 0044 0532 0130 00', expected: ['DE89 3704 0044 0532 0130 00'] },
  { name: 'British', text: 'GB82WEST12345698765432', expected: ['GB82WEST12345698765432'] },
  { name: 'British spaced', text: 'GB82 WEST 1234 5698 7654 32.', expected: ['GB82 WEST 1234 5698 7654 32'] },
  { name: 'French with a letter in the BBAN', text: 'FR1420041010050500013M02606', expected: ['FR1420041010050500013M02606'] },
  { name: 'Dutch spaced', text: 'NL91 ABNA 0417 1643 00', expected: ['NL91 ABNA 0417 1643 00'] },
  { name: 'Spanish', text: 'ES9121000418450200051332', expected: ['ES9121000418450200051332'] },
  { name: 'Italian', text: 'IT60X0542811101000000123456', expected: ['IT60X0542811101000000123456'] },
  { name: 'Swiss', text: 'CH93 0076 2011 6238 5295 7', expected: ['CH93 0076 2011 6238 5295 7'] },
  { name: 'Belgian', text: 'BE68539007547034', expected: ['BE68539007547034'] },
  { name: 'Austrian', text: 'AT611904300234573201', expected: ['AT611904300234573201'] },
  { name: 'Polish', text: 'PL61109010140000071219812874', expected: ['PL61109010140000071219812874'] },
  { name: 'Norwegian, the shortest', text: 'NO9386011117947', expected: ['NO9386011117947'] },
  { name: 'Irish in a sentence', text: 'Pay to IE29AIBK93115212345678 by Friday', expected: ['IE29AIBK93115212345678'] },
  {
    name: 'followed by an uppercase currency',
    text: 'DE89 3704 0044 0532 0130 00 EUR',
    expected: ['DE89 3704 0044 0532 0130 00'],
  },
];

export const ibanNegatives: Negative[] = [
  { name: 'a wrong check digit', text: 'DE89370400440532013001' },
  { name: 'lowercase', text: 'de89370400440532013000' },
  { name: 'one character short', text: 'DE8937040044053201300' },
  { name: 'spaced, one character short', text: 'DE89 3704 0044 0532 0130 0' },
  { name: 'dashes', text: 'DE89-3704-0044-0532-0130-00' },
  { name: 'irregular spacing', text: 'DE89 37040044 0532 0130 00' },
  { name: 'inside a longer token', text: 'XDE89370400440532013000' },
  { name: 'an unknown country failing mod-97', text: 'US12345678901234567' },
  { name: 'an uppercase hex hash', text: 'AB12CDEF34567890ABCDEF12' },
  { name: 'a product key', text: 'ABCD1-EFGH2-IJKL3-MNOP4' },
  { name: 'a too-short candidate', text: 'DE89 3704' },
];
