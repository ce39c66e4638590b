import { ParsedPrefix, parsePrefix } from '@kessetsu/schema';

/**
 * A node of the binary address tree: the prefix spelled by the path from the root. Owners
 * are counted, for an owner may hold several prefixes below one node and let go of one.
 */
interface TreeNode<Owner> {
  children: [TreeNode<Owner> | undefined, TreeNode<Owner> | undefined];
  /** Owners holding exactly this prefix. */
  exact: Map<Owner, number> | undefined;
  /** Owners holding a prefix strictly inside this one. */
  below: Map<Owner, number> | undefined;
}

const newNode = <Owner>(): TreeNode<Owner> => ({ children: [undefined, undefined], exact: undefined, below: undefined });

/** The branch a prefix takes at `depth`: its network bits are a string of '0' and '1'. */
const bitAt = (parsed: ParsedPrefix, depth: number): 0 | 1 => (parsed.networkBits.charCodeAt(depth) === 49 ? 1 : 0);

/** Parsed prefixes remembered: more than a burst's transaction looks up and adds. */
const PARSED_REMEMBERED = 10_000;

const hold = <Owner>(owners: Map<Owner, number>, owner: Owner) => owners.set(owner, (owners.get(owner) ?? 0) + 1);

function release<Owner>(owners: Map<Owner, number> | undefined, owner: Owner): void {
  const count = owners?.get(owner);
  if (count === undefined) return;
  if (count > 1) owners!.set(owner, count - 1);
  else owners!.delete(owner);
}

/**
 * Which owners hold a prefix overlapping a given one (either contains the other),
 * as Postgres' `cidr && cidr` decides it: the open incidents' prefixes, and those a batch
 * adds before they are stored. Each prefix is a path in a binary tree per address family:
 * two prefixes overlap when one path starts the other. A burst adds a thousand prefixes
 * per transaction, under the write lock, so the walk allocates nothing per bit.
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
      hold((node.below ??= new Map()), owner);
      node = node.children[bitAt(parsed, depth)] ??= newNode();
    }
    hold((node.exact ??= new Map()), owner);
  }

  /** Undoes one `add` of the same prefix and owner. Emptied nodes stay: they are few, and reused when the prefix returns. */
  remove(prefix: string, owner: Owner): void {
    const parsed = this.parse(prefix);
    if (!parsed) return;
    let node = this.roots.get(parsed.family);
    for (let depth = 0; node && depth < parsed.length; depth += 1) {
      release(node.below, owner);
      node = node.children[bitAt(parsed, depth)];
    }
    if (node) release(node.exact, owner);
  }

  overlapping(prefix: string): Set<Owner> {
    const found = new Set<Owner>();
    const parsed = this.parse(prefix);
    if (!parsed) return found;
    let node = this.roots.get(parsed.family);
    for (let depth = 0; node; depth += 1) {
      if (node.exact) for (const owner of node.exact.keys()) found.add(owner);
      if (depth === parsed.length) {
        if (node.below) for (const owner of node.below.keys()) found.add(owner);
        break;
      }
      node = node.children[bitAt(parsed, depth)];
    }
    return found;
  }

  private parse(prefix: string): ParsedPrefix | null {
    let parsed = this.parsed.get(prefix);
    if (parsed === undefined) {
      // The index may live as long as the process: its memo of parsed prefixes starts over rather than grow without end.
      if (this.parsed.size >= PARSED_REMEMBERED) this.parsed.clear();
      this.parsed.set(prefix, (parsed = parsePrefix(prefix)));
    }
    return parsed;
  }
}
