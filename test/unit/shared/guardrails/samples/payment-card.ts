import type { Negative, Positive } from './sample.ts';

export const paymentCardPositives: Positive[] = [
  { name: 'Visa solid', text: 'card 4111111111111111 exp 12/29', expected: ['4111111111111111'] },
  { name: 'Visa spaced', text: 'card 4111 1111 1111 1111', expected: ['4111 1111 1111 1111'] },
  { name: 'Visa dashed', text: '4012-8888-8888-1881', expected: ['4012-8888-8888-1881'] },
  { name: 'Visa 13 digits', text: 'old card 4222222222222', expected: ['4222222222222'] },
  { name: 'Mastercard 5x', text: 'MC 5555 5555 5555 4444', expected: ['5555 5555 5555 4444'] },
  { name: 'Mastercard 2-series', text: '2223003122003222', expected: ['2223003122003222'] },
  { name: 'Amex 4-6-5', text: 'Amex 3782 822463 10005.', expected: ['3782 822463 10005'] },
  { name: 'Amex grouped 4-4-4-3', text: '3782 8224 6310 005', expected: ['3782 8224 6310 005'] },
  { name: 'Amex solid', text: '371449635398431', expected: ['371449635398431'] },
  { name: 'Discover', text: 'Discover: 6011 1111 1111 1117', expected: ['6011 1111 1111 1117'] },
  { name: 'JCB', text: 'JCB 3530111333300000', expected: ['3530111333300000'] },
  { name: 'Diners 14 digits', text: 'Diners 30569309025904', expected: ['30569309025904'] },
  { name: 'UnionPay', text: '6200000000000005', expected: ['6200000000000005'] },
  { name: 'in JSON', text: '{"pan":"5105105105105100","cvc":"123"}', expected: ['5105105105105100'] },
  { name: 'followed by more numbers', text: '4111 1111 1111 1111 2029 123', expected: ['4111 1111 1111 1111'] },
  { name: 'preceded by a year', text: 'in 2024 4111 1111 1111 1111', expected: ['4111 1111 1111 1111'] },
];

export const paymentCardNegatives: Negative[] = [
  { name: 'failing Luhn', text: '4111111111111112' },
  { name: 'a 13-digit ms timestamp', text: 'ts 1715682600123' },
  { name: 'Luhn-valid with an unknown IIN', text: '1234567890123452' },
  { name: 'all zeros', text: '0000 0000 0000 0000' },
  { name: 'irregular grouping', text: '4111 11 1111111111' },
  { name: 'masked', text: '4111 **** **** 1111' },
  { name: 'glued to a letter', text: 'v4111111111111111' },
  { name: 'a decimal', text: '4111111111111111.5 and 3.4111111111111111' },
  { name: 'the tail of a dashed identifier', text: 'txn-4111111111111111' },
  { name: 'too long', text: '41111111111111111111111' },
  { name: 'Visa at a length Visa does not issue', text: '411111111111111' },
  { name: 'a phone number', text: '+1 555 123 4567' },
];
