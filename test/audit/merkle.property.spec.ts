import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  consistencyProof,
  EMPTY_ROOT,
  extensionProof,
  inclusionProof,
  leafHash,
  MerkleAccumulator,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '@app/event-store';

/** A log of event hashes (entries of 32 bytes), as the checkpoints see it. */
const log = fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: 70 }).map((entries) => entries.map((e) => Buffer.from(e)));

function flip(buffer: Buffer, byte: number, bit: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[byte % copy.length] ^= 1 << bit % 8;
  return copy;
}

describe('the Merkle tree of the log (RFC 9162)', () => {
  it('gives the root of the RFC 6962 reference vectors', () => {
    const entries = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) =>
      Buffer.from(h, 'hex'),
    );
    expect(treeRoot(entries.map(leafHash)).toString('hex')).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
    expect(treeRoot([]).equals(createHash('sha256').digest())).toBe(true);
  });

  it('proves every event of a random log included, and no proof survives one changed byte', () => {
    fc.assert(
      fc.property(log, fc.nat(), fc.nat(), fc.nat(7), (entries, pick, byte, bit) => {
        const leaves = entries.map(leafHash);
        const root = treeRoot(leaves);
        for (let index = 0; index < leaves.length; index++) {
          expect(verifyInclusion(leaves[index], index, leaves.length, inclusionProof(leaves, index), root)).toBe(true);
        }
        const index = pick % leaves.length;
        const path = inclusionProof(leaves, index);
        // one byte of the event's hash, of the root, or of a node of the path
        expect(verifyInclusion(leafHash(flip(entries[index], byte, bit)), index, leaves.length, path, root)).toBe(false);
        expect(verifyInclusion(leaves[index], index, leaves.length, path, flip(root, byte, bit))).toBe(false);
        if (path.length > 0) {
          const at = byte % path.length;
          const changed = path.map((node, i) => (i === at ? flip(node, byte >> 5, bit) : node));
          expect(verifyInclusion(leaves[index], index, leaves.length, changed, root)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('proves every earlier tree a prefix of a later one, the accumulated root is the tree root, and a changed byte fails the proof', () => {
    fc.assert(
      fc.property(log, fc.nat(), fc.nat(), fc.nat(7), (entries, pick, byte, bit) => {
        const leaves = entries.map(leafHash);
        const n = leaves.length;
        const accumulator = new MerkleAccumulator();
        const roots: Buffer[] = [EMPTY_ROOT];
        for (const leaf of leaves) {
          accumulator.push(leaf);
          roots.push(accumulator.root());
        }
        roots.forEach((root, size) => expect(root.equals(treeRoot(leaves, size))).toBe(true));
        for (let m = 0; m <= n; m++) {
          const proof = consistencyProof(leaves, m);
          expect(verifyConsistency(m, n, roots[m], roots[n], proof)).toBe(true);
          // what a checkpoint keeps (its frontier) and the leaves added since give the same proof and root
          const old = new MerkleAccumulator();
          leaves.slice(0, m).forEach((leaf) => old.push(leaf));
          expect(extensionProof(m, old.frontier, leaves.slice(m))).toEqual(proof);
          const resumed = MerkleAccumulator.fromFrontier(m, old.frontier);
          leaves.slice(m).forEach((leaf) => resumed.push(leaf));
          expect(resumed.root().equals(roots[n])).toBe(true);
        }
        const m = 1 + (pick % n);
        const proof = consistencyProof(leaves, m);
        expect(verifyConsistency(m, n, flip(roots[m], byte, bit), roots[n], proof)).toBe(false);
        if (m < n) {
          expect(verifyConsistency(m, n, roots[m], flip(roots[n], byte, bit), proof)).toBe(false);
          const at = byte % proof.length;
          expect(verifyConsistency(m, n, roots[m], roots[n], proof.map((p, i) => (i === at ? flip(p, byte >> 5, bit) : p)))).toBe(false);
          // a rewritten earlier event makes the later tree no extension of the earlier one
          const rewritten = leaves.map((leaf, i) => (i === pick % m ? leafHash(flip(entries[i], byte, bit)) : leaf));
          expect(verifyConsistency(m, n, roots[m], treeRoot(rewritten), consistencyProof(rewritten, m))).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });
});
