import { describe, expect, test } from 'vitest';
import { find as findEmails } from '#shared/guardrails/detectors/email.ts';
import { find as findIbans } from '#shared/guardrails/detectors/iban.ts';
import { find as findIpAddresses } from '#shared/guardrails/detectors/ip-address.ts';
import { find as findNationalIds } from '#shared/guardrails/detectors/national-id.ts';
import { find as findPaymentCards } from '#shared/guardrails/detectors/payment-card.ts';
import { find as findPhones } from '#shared/guardrails/detectors/phone.ts';
import { find as findSecrets } from '#shared/guardrails/detectors/secret.ts';
import type { Span } from '#shared/guardrails/detectors/span.ts';
import { emailNegatives, emailPositives } from '../samples/email.ts';
import { ibanNegatives, ibanPositives } from '../samples/iban.ts';
import { ipAddressNegatives, ipAddressPositives } from '../samples/ip-address.ts';
import { nationalIdNegatives, nationalIdPositives } from '../samples/national-id.ts';
import { ordinaryTexts } from '../samples/ordinary-texts.ts';
import { paymentCardNegatives, paymentCardPositives } from '../samples/payment-card.ts';
import { phoneNegatives, phonePositives } from '../samples/phone.ts';
import type { Negative, Positive } from '../samples/sample.ts';
import { secretNegatives, secretPositives } from '../samples/secret.ts';

// Every detector against its own positives and negatives, and against a shared corpus of
// ordinary prose, code, SQL and logs in which none may find anything.

interface Finder {
  kind: string;
  find: (text: string) => Span[];
  positives: Positive[];
  negatives: Negative[];
}

const finders: Finder[] = [
  { kind: 'email', find: findEmails, positives: emailPositives, negatives: emailNegatives },
  { kind: 'phone', find: findPhones, positives: phonePositives, negatives: phoneNegatives },
  { kind: 'payment_card', find: findPaymentCards, positives: paymentCardPositives, negatives: paymentCardNegatives },
  { kind: 'iban', find: findIbans, positives: ibanPositives, negatives: ibanNegatives },
  { kind: 'national_id', find: findNationalIds, positives: nationalIdPositives, negatives: nationalIdNegatives },
  { kind: 'ip_address', find: findIpAddresses, positives: ipAddressPositives, negatives: ipAddressNegatives },
  { kind: 'secret', find: findSecrets, positives: secretPositives, negatives: secretNegatives },
];

describe.each(finders)('$kind find', ({ find, positives, negatives }) => {
  test.each(positives)('finds $name', ({ text, expected }) => {
    // Act
    const found = find(text).map(({ start, end }) => text.slice(start, end));

    // Assess
    expect(found).toEqual(expected);
  });

  test.each([...negatives, ...ordinaryTexts])('finds nothing in $name', ({ text }) => {
    // Act
    const found = find(text);

    // Assess
    expect(found).toEqual([]);
  });
});
