import { isIP } from 'node:net';

function ipv4Bits(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Bits(address: string): bigint {
  const [head, tail = ''] = address.split('::');
  const parse = (part: string) => (part ? part.split(':') : []);
  let groups = parse(head);
  let tailGroups = parse(tail);
  const lastPart = (address.includes('::') ? tailGroups : groups).at(-1);
  if (lastPart && lastPart.includes('.')) {
    const embedded = ipv4Bits(lastPart);
    const replaced = [(embedded >> 16n).toString(16), (embedded & 0xffffn).toString(16)];
    if (address.includes('::')) tailGroups = [...tailGroups.slice(0, -1), ...replaced];
    else groups = [...groups.slice(0, -1), ...replaced];
  }
  const missing = 8 - groups.length - tailGroups.length;
  const all = address.includes('::') ? [...groups, ...Array(missing).fill('0'), ...tailGroups] : groups;
  return all.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

export interface ParsedPrefix {
  family: 4 | 6;
  length: number;
  /** True when bits beyond the prefix length are set, as in 203.0.113.5/24. */
  hostBitsSet: boolean;
  /** The network part as a string of '0' and '1', `length` long: a prefix of another's path in the address tree. */
  networkBits: string;
}

/** Parses `address/length`; null when it is not one. */
export function parsePrefix(value: string): ParsedPrefix | null {
  const [address, lengthText, extra] = value.split('/');
  if (extra !== undefined || lengthText === undefined || !/^\d{1,3}$/.test(lengthText)) return null;
  const family = isIP(address);
  const length = Number(lengthText);
  const width = family === 4 ? 32 : family === 6 ? 128 : 0;
  if (width === 0 || length > width) return null;
  const bits = family === 4 ? ipv4Bits(address) : ipv6Bits(address);
  const hostMask = (1n << BigInt(width - length)) - 1n;
  return {
    family: family as 4 | 6,
    length,
    hostBitsSet: (bits & hostMask) !== 0n,
    networkBits: bits.toString(2).padStart(width, '0').slice(0, length),
  };
}

/** A network prefix in canonical form: valid address, length within range, no host bits set. */
export function isIpPrefix(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const parsed = parsePrefix(value);
  return parsed !== null && !parsed.hostBitsSet;
}
