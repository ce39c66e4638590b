import { parsePrefix } from '@kessetsu/schema';

/**
 * Which owners hold a prefix overlapping a given one (either contains the other),
 * as Postgres' `cidr && cidr` decides it, for the prefixes a batch adds before they
 * are stored. Each prefix is a path in the binary address tree: two prefixes overlap
 * when one path starts the other.
 */
export class PrefixIndex<Owner> {
  /** Owners by the exact path of a prefix they hold. */
  private readonly exact = new Map<string, Set<Owner>>();
  /** Owners by every strict ancestor path of a prefix they hold. */
  private readonly below = new Map<string, Set<Owner>>();
  /** Lengths held, per family, so a lookup visits only the ancestors that can exist. */
  private readonly lengths = new Map<number, Set<number>>();

  add(prefix: string, owner: Owner): void {
    const parsed = parsePrefix(prefix);
    if (!parsed) return;
    const path = `${parsed.family}:${parsed.networkBits}`;
    if (this.exact.get(path)?.has(owner)) return;
    addTo(this.exact, path, owner);
    const held = this.lengths.get(parsed.family) ?? new Set<number>();
    held.add(parsed.length);
    this.lengths.set(parsed.family, held);
    for (let length = 0; length < parsed.length; length += 1) {
      addTo(this.below, `${parsed.family}:${parsed.networkBits.slice(0, length)}`, owner);
    }
  }

  overlapping(prefix: string): Set<Owner> {
    const found = new Set<Owner>();
    const parsed = parsePrefix(prefix);
    if (!parsed) return found;
    for (const length of this.lengths.get(parsed.family) ?? []) {
      if (length > parsed.length) continue;
      for (const owner of this.exact.get(`${parsed.family}:${parsed.networkBits.slice(0, length)}`) ?? []) found.add(owner);
    }
    for (const owner of this.below.get(`${parsed.family}:${parsed.networkBits}`) ?? []) found.add(owner);
    return found;
  }
}

function addTo<Owner>(map: Map<string, Set<Owner>>, path: string, owner: Owner): void {
  const owners = map.get(path);
  if (owners) owners.add(owner);
  else map.set(path, new Set([owner]));
}
