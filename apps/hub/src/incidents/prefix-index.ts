import { ParsedPrefix, parsePrefix } from '@kessetsu/schema';

/** A node of the binary address tree: the prefix spelled by the path from the root. */
interface TreeNode<Owner> {
  children: [TreeNode<Owner> | undefined, TreeNode<Owner> | undefined];
  /** Owners holding exactly this prefix. */
  exact: Set<Owner> | undefined;
  /** Owners holding a prefix strictly inside this one. */
  below: Set<Owner> | undefined;
}

const newNode = <Owner>(): TreeNode<Owner> => ({ children: [undefined, undefined], exact: undefined, below: undefined });

/** The branch a prefix takes at `depth`: its network bits are a string of '0' and '1'. */
const bitAt = (parsed: ParsedPrefix, depth: number): 0 | 1 => (parsed.networkBits.charCodeAt(depth) === 49 ? 1 : 0);

/**
 * Which owners hold a prefix overlapping a given one (either contains the other),
 * as Postgres' `cidr && cidr` decides it, for the prefixes a batch adds before they
 * are stored. Each prefix is a path in a binary tree per address family: two prefixes
 * overlap when one path starts the other. A burst adds a thousand prefixes per
 * transaction, under the write lock, so the walk allocates nothing per bit.
 */
export class PrefixIndex<Owner> {
  private readonly roots = new Map<number, TreeNode<Owner>>();
  /** A signal's prefixes are looked up, then added: each is parsed once. */
  private readonly parsed = new Map<string, ParsedPrefix | null>();

  add(prefix: string, owner: Owner): void {
    const parsed = this.parse(prefix);
    if (!parsed) return;
    let node = this.roots.get(parsed.family);
    if (!node) this.roots.set(parsed.family, (node = newNode()));
    for (let depth = 0; depth < parsed.length; depth += 1) {
      (node.below ??= new Set()).add(owner);
      node = node.children[bitAt(parsed, depth)] ??= newNode();
    }
    (node.exact ??= new Set()).add(owner);
  }

  overlapping(prefix: string): Set<Owner> {
    const found = new Set<Owner>();
    const parsed = this.parse(prefix);
    if (!parsed) return found;
    let node = this.roots.get(parsed.family);
    for (let depth = 0; node; depth += 1) {
      if (node.exact) for (const owner of node.exact) found.add(owner);
      if (depth === parsed.length) {
        if (node.below) for (const owner of node.below) found.add(owner);
        break;
      }
      node = node.children[bitAt(parsed, depth)];
    }
    return found;
  }

  private parse(prefix: string): ParsedPrefix | null {
    let parsed = this.parsed.get(prefix);
    if (parsed === undefined) this.parsed.set(prefix, (parsed = parsePrefix(prefix)));
    return parsed;
  }
}
