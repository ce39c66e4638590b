import { scrubText } from './scrub.js';

describe('scrubText', () => {
  it.each([
    ['mail address', 'write to noc.team+ops@example.co.jp now', 'write to [email] now'],
    ['Tokyo landline', 'call 03-1234-5678', 'call [phone]'],
    ['mobile', '携帯 090-1234-5678 まで', '携帯 [phone] まで'],
    ['free dial', '0120-123-456', '[phone]'],
    ['area code in brackets', '(03)1234-5678', '[phone]'],
    ['digits only', '0312345678', '[phone]'],
    ['international', '+81-3-1234-5678 or +81 90 1234 5678', '[phone] or [phone]'],
    ['IPv4 host', 'subscriber 198.51.100.7 lost DNS', 'subscriber [ip] lost DNS'],
    ['IPv4 /32', 'host 198.51.100.7/32', 'host [ip]'],
    ['IPv6 host', 'from 2001:db8::1 and fe80::1', 'from [ip] and [ip]'],
    ['full IPv6', '2001:0db8:0000:0000:0000:ff00:0042:8329', '[ip]'],
  ])('removes a %s', (_case, input, expected) => expect(scrubText(input)).toBe(expected));

  it.each([
    ['prefixes', '203.0.113.0/24 and 2001:db8::/32 leaked'],
    ['ASNs', 'AS2516 and AS 4713 via AS15169'],
    ['dates and times', '2017-08-25 12:22 to 16:47:30'],
    ['counts and percentages', '160000 prefixes, 100,000 routes, 20% drop'],
    ['versions', 'router OS v1.2.3'],
    ['Japanese prose', 'NTTコムの設備に異常は見られなかった'],
  ])('keeps %s', (_case, input) => expect(scrubText(input)).toBe(input));
});
