import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 (section 2.1) over a list of entries: a leaf is
 * SHA-256(0x00 || entry), an inner node SHA-256(0x01 || left || right), and a
 * tree of n > 1 leaves splits at the largest power of two below n. Inclusion
 * and consistency proofs are those of sections 2.1.3 and 2.1.4.
 */

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export function leafHash(entry: Buffer): Buffer {
  return createHash('sha256').update(LEAF).update(entry).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** The hash of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT = createHash('sha256').digest();

/** The largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of the leaves [from, to) of `leaves` (leaf hashes, not entries). */
function subtreeRoot(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[from];
  const k = split(n);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
}

/** The root of the tree over the first `size` leaf hashes (all of them by default). */
export function treeRoot(leaves: readonly Buffer[], size = leaves.length): Buffer {
  return subtreeRoot(leaves, 0, size);
}

/** The audit path of leaf `index` in the tree of the first `size` leaves, nearest sibling first. */
export function inclusionProof(leaves: readonly Buffer[], index: number, size = leaves.length): Buffer[] {
  if (!(index >= 0 && index < size && size <= leaves.length)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Buffer[] = [];
  const walk = (m: number, from: number, to: number): void => {
    const n = to - from;
    if (n <= 1) return;
    const k = split(n);
    if (m < k) {
      walk(m, from, from + k);
      path.push(subtreeRoot(leaves, from + k, to));
    } else {
      walk(m - k, from + k, to);
      path.push(subtreeRoot(leaves, from, from + k));
    }
  };
  walk(index, 0, size);
  return path;
}

/** The proof that the tree of the first `oldSize` leaves is a prefix of the tree of the first `newSize`. */
export function consistencyProof(leaves: readonly Buffer[], oldSize: number, newSize = leaves.length): Buffer[] {
  if (!(oldSize >= 0 && oldSize <= newSize && newSize <= leaves.length)) {
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  }
  return consistencyPath(oldSize, newSize, (from, to) => subtreeRoot(leaves, from, to));
}

/**
 * The same proof from what a checkpoint keeps, without the old leaves: the
 * old tree's frontier and the leaves added since. Every node of the proof is
 * either a perfect subtree of the old tree (a frontier node) or lies wholly
 * among the new leaves.
 */
export function extensionProof(oldSize: number, frontier: readonly Buffer[], added: readonly Buffer[]): Buffer[] {
  const peaks = frontierRanges(oldSize);
  if (peaks.length !== frontier.length) throw new RangeError(`a tree of ${oldSize} has ${peaks.length} frontier nodes`);
  return consistencyPath(oldSize, oldSize + added.length, (from, to) => {
    if (from >= oldSize) return subtreeRoot(added, from - oldSize, to - oldSize);
    const peak = peaks.findIndex((p) => p.from === from && p.to === to);
    if (peak < 0) throw new RangeError(`[${from}, ${to}) is not a frontier node of a tree of ${oldSize}`);
    return frontier[peak];
  });
}

/** PROOF(m, D[n]) of RFC 9162 2.1.4.1, with `mth(from, to)` giving the hash of the subtree over leaves [from, to). */
function consistencyPath(oldSize: number, newSize: number, mth: (from: number, to: number) => Buffer): Buffer[] {
  if (oldSize === 0 || oldSize === newSize) return [];
  const proof: Buffer[] = [];
  const sub = (m: number, from: number, to: number, whole: boolean): void => {
    const n = to - from;
    if (m === n) {
      if (!whole) proof.push(mth(from, to));
      return;
    }
    const k = split(n);
    if (m <= k) {
      sub(m, from, from + k, whole);
      proof.push(mth(from + k, to));
    } else {
      sub(m - k, from + k, to, false);
      proof.push(mth(from, from + k));
    }
  };
  sub(oldSize, 0, newSize, true);
  return proof;
}

/** The perfect subtrees a tree of `size` leaves decomposes into, left to right: one per bit set in `size`. */
function frontierRanges(size: number): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  let from = 0;
  for (let bit = 2 ** Math.floor(Math.log2(Math.max(size, 1))); bit >= 1; bit /= 2) {
    if (Math.floor(size / bit) % 2 === 1) {
      ranges.push({ from, to: from + bit });
      from += bit;
    }
  }
  return ranges;
}

const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** RFC 9162 2.1.3.2: whether `path` leads from the leaf hash at `index` to `root` in a tree of `size`. */
export function verifyInclusion(leaf: Buffer, index: number, size: number, path: readonly Buffer[], root: Buffer): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 2.1.4.2: whether `proof` shows the tree (`oldSize`, `oldRoot`) to be a prefix of (`newSize`, `newRoot`). */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Buffer,
  newRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(newSize) && oldSize >= 0 && oldSize <= newSize)) return false;
  if (oldSize === 0) return proof.length === 0 && oldRoot.equals(EMPTY_ROOT);
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  // a power-of-two old tree is a node of the new one: its root starts the path
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2;
  return n === 1;
}

/**
 * The root of a tree whose leaves arrive one at a time, without keeping them:
 * the perfect subtrees of the leaves so far, merged as they fill, and folded
 * right to left when a root is asked for.
 */
export class MerkleAccumulator {
  private readonly peaks: { hash: Buffer; size: number }[] = [];
  private count = 0;

  /** Resumes from a tree's frontier (see {@link frontier}). */
  static fromFrontier(size: number, frontier: readonly Buffer[]): MerkleAccumulator {
    const ranges = frontierRanges(size);
    if (ranges.length !== frontier.length) throw new RangeError(`a tree of ${size} has ${ranges.length} frontier nodes`);
    const accumulator = new MerkleAccumulator();
    ranges.forEach((range, i) => accumulator.peaks.push({ hash: frontier[i], size: range.to - range.from }));
    accumulator.count = size;
    return accumulator;
  }

  /** The roots of the perfect subtrees of the leaves so far, left to right: all a later tree needs of them. */
  get frontier(): Buffer[] {
    return this.peaks.map((p) => p.hash);
  }

  get size(): number {
    return this.count;
  }

  /** Adds the leaf hash of the next entry. */
  push(leaf: Buffer): void {
    let node = { hash: leaf, size: 1 };
    while (this.peaks.length > 0 && this.peaks[this.peaks.length - 1].size === node.size) {
      const left = this.peaks.pop() as { hash: Buffer; size: number };
      node = { hash: nodeHash(left.hash, node.hash), size: left.size * 2 };
    }
    this.peaks.push(node);
    this.count++;
  }

  root(): Buffer {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let root = this.peaks[this.peaks.length - 1].hash;
    for (let i = this.peaks.length - 2; i >= 0; i--) root = nodeHash(this.peaks[i].hash, root);
    return root;
  }
}
