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
