import type { Negative, Positive } from './sample.ts';

export const ipAddressPositives: Positive[] = [
  { name: 'a private IPv4', text: 'host 192.168.1.10 is down', expected: ['192.168.1.10'] },
  { name: '10/8', text: 'ssh 10.0.0.1', expected: ['10.0.0.1'] },
  { name: 'a public resolver', text: 'DNS 8.8.8.8.', expected: ['8.8.8.8'] },
  { name: 'with a port', text: '203.0.113.42:8080', expected: ['203.0.113.42'] },
  { name: 'in a URL', text: 'http://172.16.254.1/admin', expected: ['172.16.254.1'] },
  { name: 'a CIDR', text: 'allow 10.0.0.0/8', expected: ['10.0.0.0'] },
  { name: 'edge octets', text: '255.0.255.1 and 1.0.0.0', expected: ['255.0.255.1', '1.0.0.0'] },
  { name: 'full IPv6', text: '2001:0db8:85a3:0000:0000:8a2e:0370:7334', expected: ['2001:0db8:85a3:0000:0000:8a2e:0370:7334'] },
  { name: 'compressed IPv6', text: 'ping 2001:db8::1 now', expected: ['2001:db8::1'] },
  { name: 'link-local with a zone', text: 'fe80::1%eth0', expected: ['fe80::1'] },
  { name: 'IPv4-mapped IPv6', text: '::ffff:192.0.2.128', expected: ['::ffff:192.0.2.128'] },
  { name: 'bracketed IPv6 with a port', text: 'https://[2001:db8::1]:443/', expected: ['2001:db8::1'] },
  { name: 'compressed in the middle', text: '2001:db8:0:0:1::1', expected: ['2001:db8:0:0:1::1'] },
  { name: 'uppercase IPv6', text: 'FE80::0202:B3FF:FE1E:8329', expected: ['FE80::0202:B3FF:FE1E:8329'] },
  { name: 'both versions', text: 'from 10.1.2.3 to 2001:db8::42', expected: ['10.1.2.3', '2001:db8::42'] },
];

export const ipAddressNegatives: Negative[] = [
  { name: 'a five-part dotted number', text: 'build 1.2.3.4.5' },
  { name: 'a v-prefixed version', text: 'v1.2.3.4' },
  { name: 'a version after the word', text: 'version 4.2.1.0 and release: 1.0.0.1' },
  { name: 'an octet over 255', text: '256.1.1.1' },
  { name: 'leading zeros', text: '010.001.002.003' },
  { name: 'the unspecified address', text: 'listen on 0.0.0.0' },
  { name: 'loopback', text: '127.0.0.1 and 127.1.2.3' },
  { name: 'a netmask', text: '255.255.255.0 and 255.255.240.0' },
  { name: 'broadcast', text: '255.255.255.255' },
  { name: 'a time', text: '12:30:45' },
  { name: 'a MAC address', text: '00:1A:2B:3C:4D:5E' },
  { name: 'C++ and Rust paths', text: 'std::vector and f64::MAX and Foo::Bar' },
  { name: 'a Python slice', text: 'items[1::2]' },
  { name: 'hex-only words', text: 'dead::beef' },
  { name: 'IPv6 loopback', text: '::1' },
  { name: 'three dotted parts', text: '1.2.3' },
  { name: 'seven full groups', text: '1:2:3:4:5:6:7' },
];
