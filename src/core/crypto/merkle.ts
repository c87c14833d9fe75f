// RFC 6962 Merkle tree over SHA-256 with CometBFT's split rule and proof format (spec §8.2).
import type { MerkleProof } from '../types.js';
import { HASH_SIZE, MAX_AUNTS } from '../types.js';
import { bytesEqual } from '../bytes.js';
import { sha256 } from './sha256.js';

const INNER_PREFIX = 1; // and 0 for a leaf (RFC 6962)

// SHA-256 of nothing: every block without txs or evidence hashes it twice.
const EMPTY_HASH = sha256(new Uint8Array(0));

export function emptyHash(): Uint8Array {
  return EMPTY_HASH.slice(); // a copy: callers own the bytes they get
}

// The prefixed inputs are put together by hand: a header hash is 27 of them, and a general
// concat (rest arguments, a check per part) was a seventh of its time.

export function leafHash(leaf: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + leaf.length); // input[0] is the leaf prefix, 0
  input.set(leaf, 1);
  return sha256(input);
}

export function innerHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = INNER_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** Largest power of two strictly less than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOfLeafHashes(hashes: Uint8Array[], lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 0) return emptyHash();
  if (n === 1) return hashes[lo];
  const k = splitPoint(n);
  return innerHash(rootOfLeafHashes(hashes, lo, lo + k), rootOfLeafHashes(hashes, lo + k, hi));
}

export function hashFromByteSlices(items: Uint8Array[]): Uint8Array {
  return rootOfLeafHashes(items.map(leafHash), 0, items.length);
}

/** The root and one proof per item; aunts are listed bottom-up. */
export function proofsFromByteSlices(items: Uint8Array[]): { root: Uint8Array; proofs: MerkleProof[] } {
  const leaves = items.map(leafHash);
  const proofs: MerkleProof[] = leaves.map((h, index) => ({ total: items.length, index, leafHash: h, aunts: [] }));
  const build = (lo: number, hi: number): Uint8Array => {
    const n = hi - lo;
    if (n === 0) return emptyHash();
    if (n === 1) return leaves[lo];
    const k = splitPoint(n);
    const left = build(lo, lo + k);
    const right = build(lo + k, hi);
    for (let i = lo; i < lo + k; i++) proofs[i].aunts.push(right);
    for (let i = lo + k; i < hi; i++) proofs[i].aunts.push(left);
    return innerHash(left, right);
  };
  return { root: build(0, items.length), proofs };
}

function computeFromAunts(index: number, total: number, leaf: Uint8Array, aunts: Uint8Array[], depth: number): Uint8Array | null {
  if (index < 0 || index >= total) return null;
  if (total === 1) return depth === 0 ? leaf : null;
  if (depth === 0) return null;
  const k = splitPoint(total);
  const aunt = aunts[depth - 1];
  if (index < k) {
    const left = computeFromAunts(index, k, leaf, aunts, depth - 1);
    return left && innerHash(left, aunt);
  }
  const right = computeFromAunts(index - k, total - k, leaf, aunts, depth - 1);
  return right && innerHash(aunt, right);
}

/** Proof.ValidateBasic: null when well formed, else the reason. */
export function proofProblem(proof: MerkleProof): string | null {
  if (!Number.isInteger(proof.total) || proof.total < 0) return 'negative proof total';
  if (!Number.isInteger(proof.index) || proof.index < 0) return 'negative proof index';
  if (proof.leafHash.length !== HASH_SIZE) return `leaf hash is ${proof.leafHash.length} bytes, want ${HASH_SIZE}`;
  if (proof.aunts.length > MAX_AUNTS) return `${proof.aunts.length} aunts, at most ${MAX_AUNTS}`;
  for (const a of proof.aunts) if (a.length !== HASH_SIZE) return `an aunt is ${a.length} bytes, want ${HASH_SIZE}`;
  return null;
}

/** Does `proof` tie `leaf` to `root`? */
export function verifyProof(proof: MerkleProof, root: Uint8Array, leaf: Uint8Array): boolean {
  if (proofProblem(proof) !== null) return false;
  if (!bytesEqual(proof.leafHash, leafHash(leaf))) return false;
  const computed = computeFromAunts(proof.index, proof.total, proof.leafHash, proof.aunts, proof.aunts.length);
  return computed !== null && bytesEqual(computed, root);
}
