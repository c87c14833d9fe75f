// The Merkle hashes a block header commits to ([CMT] types/block.go, spec §8.2).
import type { Bytes, Commit, DuplicateVoteEvidence, Header, Validator } from '../types.js';
import { hashFromByteSlices } from '../crypto/merkle.js';
import { sha256 } from '../crypto/sha256.js';
import {
  encodeBlockId,
  encodeDuplicateVoteEvidence,
  encodeTimestamp,
  encodeWith,
  writeCommitSig,
  writeConsensusVersion,
} from './codec.js';
import { encode, writeBytes, writeInt64, writeMessage, writeString } from './proto.js';

// Header fields are hashed as gogo wrapper messages (StringValue, Int64Value, BytesValue: field 1).
const wrapString = (s: string) => encodeWith((w, v: string) => writeString(w, 1, v), s);
const wrapInt64 = (n: number) => encodeWith((w, v: number) => writeInt64(w, 1, v), n);
const wrapBytes = (b: Bytes) => encodeWith((w, v: Bytes) => writeBytes(w, 1, v), b);

// Hashes per header and commit object: the proposer, every receiver, the block store and
// validateBlock all ask for them. Headers and commits are never mutated once made or decoded
// (a changed block is a new object), so the answer cannot go stale.
const headerHashes = new WeakMap<Header, Bytes>();
const commitHashes = new WeakMap<Commit, Bytes>();

function memo<K extends object>(cache: WeakMap<K, Bytes>, key: K, make: (key: K) => Bytes): Bytes {
  let hash = cache.get(key);
  if (!hash) cache.set(key, (hash = make(key)));
  return hash;
}

/** Header.Hash: the Merkle root of its 14 fields, each encoded on its own. */
export function headerHash(h: Header): Bytes {
  return memo(headerHashes, h, computeHeaderHash);
}

function computeHeaderHash(h: Header): Bytes {
  return hashFromByteSlices([
    encodeWith(writeConsensusVersion, h.version),
    wrapString(h.chainId),
    wrapInt64(h.height),
    encodeTimestamp(h.time),
    encodeBlockId(h.lastBlockId),
    wrapBytes(h.lastCommitHash),
    wrapBytes(h.dataHash),
    wrapBytes(h.validatorsHash),
    wrapBytes(h.nextValidatorsHash),
    wrapBytes(h.consensusHash),
    wrapBytes(h.appHash),
    wrapBytes(h.lastResultsHash),
    wrapBytes(h.evidenceHash),
    wrapBytes(h.proposerAddress),
  ]);
}

/** Data.Hash: the Merkle root of the SHA-256 of each transaction. */
export function txsHash(txs: Bytes[]): Bytes {
  return hashFromByteSlices(txs.map(sha256));
}

/** Commit.Hash: the Merkle root of the encoded CommitSigs (an absent commit hashes as empty). */
export function commitHash(commit: Commit | null): Bytes {
  if (!commit) return hashFromByteSlices([]);
  return memo(commitHashes, commit, (c) => hashFromByteSlices(c.signatures.map((s) => encodeWith(writeCommitSig, s))));
}

export function evidenceHash(evidence: DuplicateVoteEvidence[]): Bytes {
  return hashFromByteSlices(evidence.map(encodeDuplicateVoteEvidence));
}

/** SimpleValidator { pub_key: PublicKey{ed25519 = 1}, voting_power } as hashed into ValidatorsHash. */
export function simpleValidatorBytes(v: Pick<Validator, 'pubKey' | 'votingPower'>): Bytes {
  return encode((w) => {
    writeMessage(w, 1, (w) => writeBytes(w, 1, v.pubKey));
    writeInt64(w, 2, v.votingPower);
  });
}

export function validatorSetHash(validators: readonly Validator[]): Bytes {
  return hashFromByteSlices(validators.map(simpleValidatorBytes));
}
