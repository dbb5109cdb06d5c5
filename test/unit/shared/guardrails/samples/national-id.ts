import type { Negative, Positive } from './sample.ts';

export const nationalIdPositives: Positive[] = [
  { name: 'an SSN', text: 'SSN 123-45-6789', expected: ['123-45-6789'] },
  { name: 'the Woolworth SSN', text: '078-05-1120', expected: ['078-05-1120'] },
  { name: 'an SSN in a sentence', text: 'My SSN is 536-22-1234.', expected: ['536-22-1234'] },
  { name: 'an SSN with serial 9999', text: '219-09-9999', expected: ['219-09-9999'] },
  { name: 'an SSN in JSON', text: '{"ssn":"401-12-3456"}', expected: ['401-12-3456'] },
  { name: 'a NINO', text: 'NI number AB123456C', expected: ['AB123456C'] },
  { name: 'a spaced NINO', text: 'NINO: AB 12 34 56 C', expected: ['AB 12 34 56 C'] },
  { name: 'a NINO with J and G', text: 'JG103759A', expected: ['JG103759A'] },
  { name: 'a NINO with Z and X', text: 'ZX123456B', expected: ['ZX123456B'] },
  { name: 'a NINO with suffix D', text: 'CE 98 76 54 D', expected: ['CE 98 76 54 D'] },
  { name: 'both kinds', text: '123-45-6789 / TT123456A', expected: ['123-45-6789', 'TT123456A'] },
];

export const nationalIdNegatives: Negative[] = [
  { name: 'area 000', text: '000-12-3456' },
  { name: 'area 666', text: '666-12-3456' },
  { name: 'area 9xx', text: '900-12-3456 and 987-65-4321' },
  { name: 'group 00', text: '123-00-4567' },
  { name: 'serial 0000', text: '123-45-0000' },
  { name: 'no dashes', text: '123456789' },
  { name: 'spaces', text: '123 45 6789' },
  { name: 'a longer dashed number', text: '123-45-67890 and 1123-45-6789' },
  { name: 'a phone number', text: '555-123-4567' },
  { name: 'a NINO with a Q', text: 'QQ123456C' },
  { name: 'an unallocated NINO prefix', text: 'GB123456A' },
  { name: 'a NINO with suffix E', text: 'AB123456E' },
  { name: 'a NINO with inconsistent spacing', text: 'AB12 3456C' },
  { name: 'a lowercase NINO', text: 'ab123456c' },
  { name: 'a NINO with D first', text: 'DA123456A' },
];
