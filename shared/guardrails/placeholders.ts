import type { DetectorKind } from './detectors.ts';

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

const labelToKind = new Map(Object.entries(placeholderLabels).map(([kind, label]) => [label, kind as DetectorKind]));

/** Anything shaped like a placeholder, whether or not this request created it. */
export const PLACEHOLDER = /\[(EMAIL|PHONE|CARD|IBAN|NATIONAL_ID|IP|SECRET)_([1-9]\d{0,8})\]/g;

export const kindOfLabel = (label: string): DetectorKind | undefined => labelToKind.get(label);
