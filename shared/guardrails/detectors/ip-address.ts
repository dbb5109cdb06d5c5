import { longerFirst, selectNonOverlapping } from '../non-overlapping.ts';
import { findIpv4 } from './ipv4.ts';
import { findIpv6 } from './ipv6.ts';
import type { Span } from './span.ts';

// IP addresses, v4 and v6 (see ipv4.ts and ipv6.ts for what each deliberately leaves out).
// `::ffff:192.0.2.128` is found by both; the longer, IPv6, span wins.
export const find = (text: string): Span[] => selectNonOverlapping([...findIpv4(text), ...findIpv6(text)], longerFirst);
