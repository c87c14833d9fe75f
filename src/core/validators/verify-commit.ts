// VerifyCommit ([CMT] spec §7.6): every present signature must be valid, and the power that
// signed for exactly `blockId` must be more than two thirds of the set's.
import type { BlockID, Commit, Vote } from '../types.js';
import { BlockIDFlag, GO_ZERO_TIME, SignedMsgType } from '../types.js';
import { blockIdEqual, blockIdShort, nilBlockId } from '../blockid.js';
import { bytesEqual, EMPTY_BYTES } from '../bytes.js';
import { ValidationError } from '../errors.js';
import type { SignatureChecker } from '../crypto/checker.js';
import type { ValidatorSet } from './validator-set.js';

export function verifyCommit(chainId: string, valSet: ValidatorSet, blockId: BlockID, height: number, commit: Commit, checker: SignatureChecker): ValidationError | null {
  const bad = (message: string) => new ValidationError('ErrInvalidCommit', message, { height });
  if (commit.signatures.length !== valSet.size) return bad(`commit has ${commit.signatures.length} signatures, the set has ${valSet.size} validators`);
  if (commit.height !== height) return bad(`commit is for height ${commit.height}, want ${height}`);
  if (!blockIdEqual(commit.blockId, blockId)) return bad(`commit is for block ${blockIdShort(commit.blockId)}, want ${blockIdShort(blockId)}`);
  let tallied = 0n;
  for (let i = 0; i < commit.signatures.length; i++) {
    const sig = commit.signatures[i];
    if (sig.blockIdFlag === BlockIDFlag.Absent) continue;
    if (sig.blockIdFlag !== BlockIDFlag.Commit && sig.blockIdFlag !== BlockIDFlag.Nil) return bad(`signature ${i} has flag ${sig.blockIdFlag}`);
    const val = valSet.getByIndex(i)!;
    if (!bytesEqual(val.address, sig.validatorAddress)) return bad(`signature ${i} is from the wrong validator`);
    if (!checker.verifyVote(chainId, commitVote(commit, i), val.pubKey)) return bad(`signature ${i} is invalid`);
    if (sig.blockIdFlag === BlockIDFlag.Commit) tallied += val.votingPower;
  }
  const needed = (valSet.totalVotingPower() * 2n) / 3n;
  if (tallied <= needed) return bad(`insufficient voting power: got ${tallied}, needed more than ${needed}`);
  return null;
}

// The precommits a commit stands for, made once per commit object: checkers remember sign bytes
// per vote object, so verifying the same commit again (a block validated against another state,
// the simulator's checkers) encodes nothing new. Commits are never mutated once made or decoded.
const commitVotes = new WeakMap<Commit, Vote[]>();

/** The precommit behind signature `i` of a commit (memoized per commit: its sign bytes are asked once). */
export function commitVote(commit: Commit, i: number): Vote {
  let votes = commitVotes.get(commit);
  if (!votes) commitVotes.set(commit, (votes = []));
  const sig = commit.signatures[i];
  return (votes[i] ??= {
    type: SignedMsgType.Precommit,
    height: commit.height,
    round: commit.round,
    blockId: sig.blockIdFlag === BlockIDFlag.Commit ? commit.blockId : nilBlockId(),
    timestamp: sig.timestamp ?? GO_ZERO_TIME,
    validatorAddress: sig.validatorAddress,
    validatorIndex: i,
    signature: sig.signature,
    extension: EMPTY_BYTES,
    extensionSignature: EMPTY_BYTES,
  });
}
