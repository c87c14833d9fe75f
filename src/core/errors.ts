// Typed errors for bad input at the core's edges (decoders, validators, vote and part sets).
// Each says what was wrong and where; `code` is stable for tests and for peer-scoring decisions.

export class PrevoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly where: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A byte sequence that is not a valid encoding (offset and field where known). */
export class DecodeError extends PrevoteError {}

/** A well-formed value that breaks a rule (ValidateBasic and friends). */
export class ValidationError extends PrevoteError {}

/** Adding a vote failed (spec §7.1 error kinds, e.g. ErrVoteInvalidSignature). */
export class VoteError extends PrevoteError {}

/** Two valid votes by one validator for one (height, round, type) with different BlockIDs. */
export class ConflictingVoteError extends VoteError {
  constructor(
    readonly voteA: import('./types.js').Vote,
    readonly voteB: import('./types.js').Vote,
    readonly added: boolean,
  ) {
    super('ErrVoteConflictingVotes', 'conflicting votes from validator', {
      validatorIndex: voteB.validatorIndex,
      height: voteB.height,
      round: voteB.round,
      type: voteB.type,
    });
  }
}

/** Adding a block part failed (spec §8.3). */
export class PartSetError extends PrevoteError {}

/** A PrivValidator refused to sign (spec §12). */
export class SignRefusedError extends PrevoteError {}

/** A validator-set update was rejected (spec §5.2). */
export class ValidatorSetError extends PrevoteError {}

/** Checked conversion of a wire int64 to a JS number (spec §1.1): never lose precision silently. */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

export function int64ToNumber(v: bigint, field: string): number {
  if (v > MAX_SAFE || v < MIN_SAFE) {
    throw new DecodeError('ErrInt64Range', `${field} = ${v} does not fit in a safe integer`, { field });
  }
  return Number(v);
}
