import { scrubText } from './scrub.js';

describe('scrubText', () => {
  describe('removes personal data', () => {
    it.each([
      ['a mail address', 'write to noc.team+ops@example.co.jp now', 'write to [email] now'],
      ['a plain mail address', 'user@example.jp', '[email]'],
      ['a Tokyo landline', 'call 03-1234-5678', 'call [phone]'],
      ['a mobile number in Japanese text', '携帯 090-1234-5678 まで', '携帯 [phone] まで'],
      ['a mobile number written next to Japanese text', '連絡先は090-1234-5678です', '連絡先は[phone]です'],
      ['a free dial number', '0120-123-456', '[phone]'],
      ['an area code in brackets', '(03)1234-5678', '[phone]'],
      ['a number without separators', '0312345678', '[phone]'],
      ['an international number with dashes', '+81-3-1234-5678', '[phone]'],
      ['an international mobile number with spaces', '+81 90 1234 5678', '[phone]'],
      ['an IPv4 host', 'subscriber 198.51.100.7 lost DNS', 'subscriber [ip] lost DNS'],
      ['an IPv4 host with a port', 'resolver 198.51.100.7:53 timed out', 'resolver [ip]:53 timed out'],
      ['an IPv4 /32', 'host 198.51.100.7/32', 'host [ip]'],
      ['an IPv6 host', 'from 2001:db8::1', 'from [ip]'],
      ['a link-local IPv6 host', 'gateway fe80::1 down', 'gateway [ip] down'],
      ['a full eight-group IPv6 host', '2001:0db8:0000:0000:0000:ff00:0042:8329', '[ip]'],
      ['an IPv6 /128', 'host 2001:db8::1/128', 'host [ip]'],
      ['an IPv4 host in Japanese text', 'ホスト198.51.100.7から応答なし', 'ホスト[ip]から応答なし'],
      [
        'several items at once',
        'noc@example.jp, 03-1234-5678: saw 198.51.100.7 and 2001:db8::1',
        '[email], [phone]: saw [ip] and [ip]',
      ],
    ])('%s', (_case, input, expected) => expect(scrubText(input)).toBe(expected));

    it('an IPv4 host ending an English sentence', () => {
      expect(scrubText('The affected subscriber was 198.51.100.7.')).toBe('The affected subscriber was [ip].');
    });

    it('a bracketed number, keeping both brackets', () => {
      expect(scrubText('NOC (03-1234-5678) 24h')).toBe('NOC ([phone]) 24h');
    });
  });

  describe('keeps operational data', () => {
    it.each([
      ['an IPv4 prefix', '203.0.113.0/24 leaked'],
      ['an IPv6 prefix', '2001:db8::/32 leaked'],
      ['a default route', '0.0.0.0/0 and ::/0'],
      ['ASNs', 'AS2516 and AS 4713 via AS15169'],
      ['a date', '2017-08-25'],
      ['a time', '12:22'],
      ['a time with seconds', '12:22:30'],
      ['a date and a time range', '2017-08-25 12:22 to 16:47:30'],
      ['percentages', '20% drop, 19.5% loss'],
      ['counts', '160000 prefixes, 100,000 routes'],
      ['a version string', 'router OS v1.2.3'],
      ['Japanese prose', 'NTTコムの設備に異常は見られなかった'],
      ['Japanese prose with numbers', '平成29年8月25日12時22分頃から約10万経路が流入した'],
    ])('%s', (_case, input) => expect(scrubText(input)).toBe(input));
  });

  describe('mail addresses, as one global expression would find them', () => {
    const asOneExpression = (text: string) => text.replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]');

    it.each([
      'a@b.cc.d@e.ff',
      'a@b.cc-x@y.zz and x@y',
      '@example.jp, a@, @@b.cc, a@@b.cc, a@b.c, a@b..cc',
      'one@a.jp,two@b.jp;three@c.co.jp',
      'prefix-x.y_z%w+v@host-1.example.com.',
      'a@b.cc@d.ee',
      '..a@b.cc',
    ])('%s', (text) => expect(scrubText(text)).toBe(asOneExpression(text)));

    it('takes time linear in the length of a text without spaces', () => {
      const started = performance.now();
      for (const run of ['x', '1', '1.', '0-', 'a.']) scrubText(run.repeat(50_000 / run.length));
      // One expression retried at every position takes seconds here (7 ms for 4,000 characters, 100x per 10x).
      expect(performance.now() - started).toBeLessThan(500);
    });
  });
});
