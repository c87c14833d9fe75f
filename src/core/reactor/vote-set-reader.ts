// VoteSetReader (spec §7.2): what gossip needs from a set of votes, so that a live VoteSet and a
// Commit loaded from the block store are treated alike when catching a peer up.
import type { Commit, Vote, VoteType } from '../types.js';
import { BlockIDFlag, SignedMsgType } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import { nilBlockId } from '../blockid.js';
import { EMPTY_BYTES } from '../bytes.js';

export interface VoteSetReader {
  readonly height: number;
  readonly round: number;
  readonly type: VoteType;
  readonly size: number;
  /** The set's own array of which votes it holds: read it, never change it. */
  bitArrayView(): BitArray;
  getByIndex(i: number): Vote | null;
  isCommit(): boolean;
}

/** A stored Commit as a set of precommits (the vote of slot i is rebuilt from its CommitSig, §1.6). */
export function commitReader(commit: Commit): VoteSetReader {
  const bits = BitArray.fromIndices(
    commit.signatures.length,
    commit.signatures.flatMap((s, i) => (s.blockIdFlag === BlockIDFlag.Absent ? [] : [i])),
  );
  return {
    height: commit.height,
    round: commit.round,
    type: SignedMsgType.Precommit,
    size: commit.signatures.length,
    bitArrayView: () => bits,
    isCommit: () => commit.signatures.length > 0,
    getByIndex(i: number): Vote | null {
      const s = commit.signatures[i];
      if (!s || s.blockIdFlag === BlockIDFlag.Absent) return null;
      return {
        type: SignedMsgType.Precommit,
        height: commit.height,
        round: commit.round,
        blockId: s.blockIdFlag === BlockIDFlag.Commit ? commit.blockId : nilBlockId(),
        timestamp: s.timestamp,
        validatorAddress: s.validatorAddress,
        validatorIndex: i,
        signature: s.signature,
        extension: EMPTY_BYTES,
        extensionSignature: EMPTY_BYTES,
      };
    },
  };
}
