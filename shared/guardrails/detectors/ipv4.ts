import type { Span } from './span.ts';

// IPv4 addresses: four dotted decimal octets 0–255 without leading zeros.
//
// Deliberately not addresses: longer dotted numbers (`1.2.3.4.5`, `10.0.0.1.2`), versions
// (`v1.2.3.4`, `version 4.2.1.0`), leading-zero forms (`010.001.002.003`, which look like
// dates or codes), and addresses that identify no one: `0.0.0.0` (bind-all), loopback
// `127.0.0.0/8`, broadcast `255.255.255.255` and netmasks (`255.255.255.0`). Private ranges
// (10/8, 172.16/12, 192.168/16) are caught: they map an internal network.

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?![\\w]|\\.\\d)`, 'g');
const EXACT = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
const VERSION_WORD = /(?:version|release|build|ver\.?)\s*[:=]?\s*$/i;
const NETMASK_OCTETS = new Set(['0', '128', '192', '224', '240', '248', '252', '254', '255']);

export const isIpv4 = (value: string): boolean => EXACT.test(value);

export const findIpv4 = (text: string): Span[] => {
  const spans: Span[] = [];
  for (const match of text.matchAll(IPV4)) {
    if (identifiesNoHost(match[0])) continue;
    if (VERSION_WORD.test(text.slice(Math.max(0, match.index - 12), match.index))) continue;
    spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
};

const identifiesNoHost = (address: string): boolean =>
  address === '0.0.0.0' || address.startsWith('127.') || (address.startsWith('255.') && isNetmask(address));

/** Contiguous one bits then zero bits: 255.255.255.0, 255.255.240.0, 255.255.255.255. */
const isNetmask = (address: string): boolean => {
  const octets = address.split('.');
  const firstPartial = octets.findIndex((octet) => octet !== '255');
  if (firstPartial === -1) return true;
  return NETMASK_OCTETS.has(octets[firstPartial] ?? '') && octets.slice(firstPartial + 1).every((octet) => octet === '0');
};
