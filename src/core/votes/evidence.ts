// DuplicateVoteEvidence from two conflicting votes ([CMT] spec §7.5).
import type { DuplicateVoteEvidence, Timestamp, Vote } from '../types.js';
import { blockIdEqual, blockIdKey } from '../blockid.js';
import { bytesEqual } from '../bytes.js';
import { ValidationError } from '../errors.js';
import type { SignatureChecker } from '../crypto/checker.js';
import type { ValidatorSet } from '../validators/validator-set.js';

/** Orders the votes so that voteA has the smaller BlockID key, as CometBFT does. */
export function duplicateVoteEvidence(a: Vote, b: Vote, valSet: ValidatorSet, timestamp: Timestamp): DuplicateVoteEvidence {
  const val = valSet.getByAddress(a.validatorAddress);
  if (!val) throw new ValidationError('ErrEvidenceValidator', 'evidence for a validator not in the set');
  const [voteA, voteB] = blockIdKey(a.blockId) < blockIdKey(b.blockId) ? [a, b] : [b, a];
  return { voteA, voteB, totalVotingPower: valSet.totalVotingPower(), validatorPower: val.validator.votingPower, timestamp };
}

/** VerifyDuplicateVote: null when the evidence holds, else why not. */
export function verifyDuplicateVoteEvidence(chainId: string, ev: DuplicateVoteEvidence, valSet: ValidatorSet, checker: SignatureChecker): string | null {
  const { voteA: a, voteB: b } = ev;
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type) return 'votes are for different height/round/type';
  if (!bytesEqual(a.validatorAddress, b.validatorAddress)) return 'votes are from different validators';
  if (blockIdEqual(a.blockId, b.blockId)) return 'votes are for the same block';
  if (!(blockIdKey(a.blockId) < blockIdKey(b.blockId))) return 'votes are in the wrong order';
  const val = valSet.getByAddress(a.validatorAddress);
  if (!val) return 'validator is not in the set';
  if (val.validator.votingPower !== ev.validatorPower) return 'validator power does not match';
  if (valSet.totalVotingPower() !== ev.totalVotingPower) return 'total voting power does not match';
  if (!checker.verifyVote(chainId, a, val.validator.pubKey)) return 'voteA has an invalid signature';
  if (!checker.verifyVote(chainId, b, val.validator.pubKey)) return 'voteB has an invalid signature';
  return null;
}
