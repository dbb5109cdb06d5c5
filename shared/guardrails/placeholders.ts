import type { DetectorKind } from './sensitive-data.ts';

/** The label inside a placeholder: `[EMAIL_1]`, `[CARD_2]`, `[NATIONAL_ID_1]`. */
export const placeholderLabels: Readonly<Record<DetectorKind, string>> = {
  email: 'EMAIL',
  phone: 'PHONE',
  payment_card: 'CARD',
  iban: 'IBAN',
  national_id: 'NATIONAL_ID',
  ip_address: 'IP',
  secret: 'SECRET',
};

/** Anything shaped like a placeholder, whether or not this request created it. */
export const PLACEHOLDER = new RegExp(`\\[(?:${Object.values(placeholderLabels).join('|')})_[1-9]\\d{0,8}\\]`, 'g');
