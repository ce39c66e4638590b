import { PrefixIndex } from './prefix-index.js';

describe('PrefixIndex', () => {
  const index = new PrefixIndex<string>();
  index.add('10.0.0.0/8', 'wide');
  index.add('203.0.113.0/24', 'doc');
  index.add('203.0.113.128/25', 'half');
  index.add('2001:db8::/32', 'v6');

  it.each<[string, string[]]>([
    ['10.1.2.0/24', ['wide']],
    ['10.0.0.0/8', ['wide']],
    ['0.0.0.0/0', ['wide', 'doc', 'half']],
    ['203.0.112.0/23', ['doc', 'half']],
    ['203.0.113.0/25', ['doc']],
    ['203.0.113.200/32', ['doc', 'half']],
    ['198.51.100.0/24', []],
    ['11.0.0.0/8', []],
    ['2001:db8:1::/48', ['v6']],
    ['2001:db9::/32', []],
    ['::/0', ['v6']],
  ])('%s overlaps %j', (prefix, owners) => {
    expect([...index.overlapping(prefix)].sort()).toEqual([...owners].sort());
  });

  it('does not mix address families', () => {
    const mixed = new PrefixIndex<string>();
    mixed.add('0.0.0.0/0', 'all-v4');
    expect([...mixed.overlapping('::/0')]).toEqual([]);
  });
});

describe('PrefixIndex against every pair compared', () => {
  it('finds exactly the owners whose prefixes contain, equal or lie inside the one asked about', () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const prefixOf = () => {
      const length = 8 + random(17);
      const address = (random(4) << 30) | (random(2 ** 20) << 10);
      const network = length === 0 ? 0 : (address >>> (32 - length)) << (32 - length);
      return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.')}/${length}`;
    };
    const bitsOf = (prefix: string) => {
      const [address, length] = prefix.split('/');
      const value = address.split('.').reduce((bits, octet) => bits * 256 + Number(octet), 0);
      return value.toString(2).padStart(32, '0').slice(0, Number(length));
    };
    const held = Array.from({ length: 300 }, (_, i) => ({ prefix: prefixOf(), owner: `owner-${i % 40}` }));
    const index = new PrefixIndex<string>();
    for (const { prefix, owner } of held) index.add(prefix, owner);
    for (let probe = 0; probe < 500; probe += 1) {
      const asked = probe < 300 ? held[probe].prefix : prefixOf();
      const bits = bitsOf(asked);
      const expected = new Set(held.filter(({ prefix }) => bits.startsWith(bitsOf(prefix)) || bitsOf(prefix).startsWith(bits)).map(({ owner }) => owner));
      expect([...index.overlapping(asked)].sort()).toEqual([...expected].sort());
    }
  });
});
