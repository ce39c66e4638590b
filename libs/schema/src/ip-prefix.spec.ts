import { isIpPrefix, parsePrefix } from './ip-prefix.js';

describe('isIpPrefix', () => {
  it.each([
    '203.0.113.0/24',
    '192.0.2.0/24',
    '10.0.0.0/8',
    '0.0.0.0/0',
    '198.51.100.7/32',
    '2001:db8::/32',
    '2001:db8:1::/48',
    '::/0',
    '2001:db8::1/128',
  ])('accepts %s', (value) => expect(isIpPrefix(value)).toBe(true));

  it.each<[string, unknown]>([
    ['a length above 32', '203.0.113.0/33'],
    ['a length above 128', '2001:db8::/129'],
    ['a word', 'not-a-prefix'],
    ['an address without a length', '203.0.113.0'],
    ['an empty length', '203.0.113.0/'],
    ['a length without an address', '/24'],
    ['two lengths', '203.0.113.0/24/1'],
    ['an octet above 255', '256.0.0.0/8'],
    ['three octets', '203.0.113/24'],
    ['a negative length', '203.0.113.0/-1'],
    ['a non-numeric length', '203.0.113.0/2a'],
    ['leading white space', ' 203.0.113.0/24'],
    ['white space in the length', '203.0.113.0/ 24'],
    ['an empty string', ''],
    ['a number', 24],
    ['null', null],
    ['undefined', undefined],
    ['an object', { prefix: '203.0.113.0/24' }],
  ])('rejects %s', (_case, value) => expect(isIpPrefix(value)).toBe(false));

  it.each([['203.0.113.5/24'], ['2001:db8::1/32'], ['::ffff:192.0.2.1/96']])('rejects %s, which has host bits set', (value) =>
    expect(isIpPrefix(value)).toBe(false),
  );

  it.each([['2001:db8::/32'], ['::/0'], ['::ffff:192.0.2.0/120'], ['0.0.0.0/0']])('accepts %s', (value) => expect(isIpPrefix(value)).toBe(true));
});

describe('parsePrefix', () => {
  it.each<[string, number, string, boolean]>([
    ['0.0.0.0/0', 4, '', false],
    ['10.0.0.0/8', 4, '00001010', false],
    ['203.0.113.128/25', 4, '1100101100000000011100011', false],
    ['203.0.113.5/24', 4, '110010110000000001110001', true],
    ['255.255.255.255/32', 4, '1'.repeat(32), false],
    ['1.2.3.4/32', 4, '00000001000000100000001100000100', false],
    ['2001:db8::/32', 6, '00100000000000010000110110111000', false],
    ['::ffff:192.0.2.1/96', 6, `${'0'.repeat(80)}${'1'.repeat(16)}`, true],
  ])('%s is family %i with network bits %s (host bits set: %s)', (value, family, networkBits, hostBitsSet) =>
    expect(parsePrefix(value)).toEqual({ family, length: Number(value.split('/')[1]), networkBits, hostBitsSet }),
  );
});
