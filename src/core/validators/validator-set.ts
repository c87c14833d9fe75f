// ValidatorSet with CometBFT's proposer-priority algorithm ([CMT] spec §5.2).
//
// All arithmetic is int64 in `bigint`: clipped adds and subtracts, Go's truncating division in
// rescaling and floor division for the average, so every node computes the same proposer.
import type { Bytes, Validator } from '../types.js';
import { MAX_TOTAL_VOTING_POWER } from '../types.js';
import { bytesEqual, bytesKey, compareBytes, toHex } from '../bytes.js';
import { ValidatorSetError } from '../errors.js';
import { validatorSetHash } from '../encoding/hashes.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const PRIORITY_WINDOW_SIZE_FACTOR = 2n;

const clip = (v: bigint) => (v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : v);
const abs = (v: bigint) => (v < 0n ? -v : v);
/** Go big.Int Div (Euclidean; the divisor here is always positive, so this is floor division). */
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

export interface ValidatorUpdate {
  address: Bytes;
  pubKey: Bytes;
  votingPower: bigint;
}

/** CometBFT order: voting power descending, then address ascending. */
function byVotingPower(a: Validator, b: Validator): number {
  if (a.votingPower !== b.votingPower) return a.votingPower > b.votingPower ? -1 : 1;
  return compareBytes(a.address, b.address);
}

/** Whether two lists hash the same: the same keys with the same powers, in the same order. */
function sameHashedList(a: readonly Validator[], b: readonly Validator[]): boolean {
  return a.length === b.length && a.every((v, i) => v.votingPower === b[i].votingPower && bytesEqual(v.pubKey, b[i].pubKey));
}

/**
 * A set in a ChainState or a RoundState never changes once it is there: the two changes
 * (incrementProposerPriority, updateWithChangeSet) are made on a fresh copy (nextState, a new
 * round), so states, stores and the engine share sets instead of copying them, several times a
 * height in each of 100 simulated nodes.
 */
export class ValidatorSet {
  private vals: Validator[];
  private proposer: Validator | null = null;
  private total = 0n;
  /**
   * Hash of the (key, power) list. Priorities are not hashed ([CMT] Validator.Bytes: SimpleValidator), so it
   * survives increments; the box is shared with copies until a change set alters the list, so the
   * state's validators, next validators and last validators hash once between them.
   */
  private hashBox: { hash: Bytes | null } = { hash: null };
  /** Index by address, made on first use and shared with copies like hashBox (their order is ours). */
  private indexBox: { index: Map<string, number> | null } = { index: null };

  private constructor(vals: Validator[], total?: bigint) {
    this.vals = vals;
    this.total = total ?? vals.reduce((s, v) => s + v.votingPower, 0n);
  }

  /** NewValidatorSet: every validator enters as "new", then one priority increment. */
  static create(updates: ValidatorUpdate[]): ValidatorSet {
    const set = new ValidatorSet([]);
    set.updateWithChangeSet(updates, false);
    set.incrementProposerPriority(1);
    return set;
  }

  /** A set exactly as stored (priorities kept), e.g. when loading state. */
  static fromValidators(vals: Validator[], proposerAddress?: Bytes): ValidatorSet {
    const set = new ValidatorSet(vals.map(copyValidator));
    if (set.total > MAX_TOTAL_VOTING_POWER) {
      throw new ValidatorSetError('ErrTotalVotingPowerOverflow', `total voting power ${set.total} exceeds ${MAX_TOTAL_VOTING_POWER}`);
    }
    if (proposerAddress) set.proposer = set.vals.find((v) => bytesEqual(v.address, proposerAddress)) ?? null;
    return set;
  }

  copy(): ValidatorSet {
    // every node copies its sets a few times a height: same order, same total, the proposer by place
    const c = new ValidatorSet(this.vals.map(copyValidator), this.total);
    c.hashBox = this.hashBox;
    c.indexBox = this.indexBox;
    if (this.proposer) c.proposer = c.vals[this.vals.indexOf(this.proposer)] ?? null;
    return c;
  }

  get size(): number {
    return this.vals.length;
  }

  get validators(): readonly Validator[] {
    return this.vals;
  }

  totalVotingPower(): bigint {
    return this.total;
  }

  getByIndex(index: number): Validator | null {
    return Number.isInteger(index) && index >= 0 && index < this.vals.length ? this.vals[index] : null;
  }

  getByAddress(address: Bytes): { index: number; validator: Validator } | null {
    const index = (this.indexBox.index ??= new Map(this.vals.map((v, i) => [bytesKey(v.address), i]))).get(bytesKey(address));
    return index === undefined ? null : { index, validator: this.vals[index] };
  }

  hasAddress(address: Bytes): boolean {
    return this.getByAddress(address) !== null;
  }

  getProposer(): Validator {
    if (this.vals.length === 0) throw new ValidatorSetError('ErrEmptyValidatorSet', 'empty validator set has no proposer');
    this.proposer ??= this.findProposer();
    return this.proposer;
  }

  private findProposer(): Validator {
    let best = this.vals[0];
    for (const v of this.vals) {
      if (v.proposerPriority > best.proposerPriority || (v.proposerPriority === best.proposerPriority && compareBytes(v.address, best.address) < 0)) {
        best = v;
      }
    }
    return best;
  }

  incrementProposerPriority(times: number): void {
    if (this.vals.length === 0) throw new ValidatorSetError('ErrEmptyValidatorSet', 'empty validator set');
    if (times <= 0) throw new ValidatorSetError('ErrBadTimes', `cannot increment proposer priority ${times} times`);
    this.rescalePriorities(PRIORITY_WINDOW_SIZE_FACTOR * this.total);
    this.shiftByAvgProposerPriority();
    let proposer = this.vals[0];
    for (let i = 0; i < times; i++) proposer = this.incrementOnce();
    this.proposer = proposer;
  }

  copyIncrementProposerPriority(times: number): ValidatorSet {
    const c = this.copy();
    c.incrementProposerPriority(times);
    return c;
  }

  private incrementOnce(): Validator {
    for (const v of this.vals) v.proposerPriority = clip(v.proposerPriority + v.votingPower);
    const m = this.findProposer();
    m.proposerPriority = clip(m.proposerPriority - this.total);
    return m;
  }

  private rescalePriorities(diffMax: bigint): void {
    if (diffMax <= 0n || this.vals.length === 0) return;
    let max = this.vals[0].proposerPriority;
    let min = max;
    for (const v of this.vals) {
      if (v.proposerPriority > max) max = v.proposerPriority;
      if (v.proposerPriority < min) min = v.proposerPriority;
    }
    const diff = abs(max - min);
    if (diff > diffMax) {
      const ratio = (diff + diffMax - 1n) / diffMax;
      for (const v of this.vals) v.proposerPriority = v.proposerPriority / ratio; // bigint division truncates, like Go
    }
  }

  private shiftByAvgProposerPriority(): void {
    if (this.vals.length === 0) return;
    const sum = this.vals.reduce((s, v) => s + v.proposerPriority, 0n);
    const avg = floorDiv(sum, BigInt(this.vals.length));
    for (const v of this.vals) v.proposerPriority = clip(v.proposerPriority - avg);
  }

  /**
   * UpdateWithChangeSet (spec §5.2): power 0 removes; new validators start at -1.125 × the total
   * after updates; every rule violation throws ValidatorSetError and leaves the set unchanged.
   */
  updateWithChangeSet(changes: ValidatorUpdate[], allowDeletes = true): void {
    const seen = new Set<string>();
    for (const c of changes) {
      const key = toHex(c.address);
      if (seen.has(key)) throw new ValidatorSetError('ErrDuplicateUpdate', `duplicate entry for ${key.toUpperCase()}`, { address: key });
      seen.add(key);
      if (c.votingPower < 0n) throw new ValidatorSetError('ErrNegativePower', `negative voting power ${c.votingPower} for ${key.toUpperCase()}`);
      if (c.votingPower > MAX_TOTAL_VOTING_POWER) {
        throw new ValidatorSetError('ErrPowerTooBig', `voting power ${c.votingPower} exceeds ${MAX_TOTAL_VOTING_POWER}`);
      }
    }
    const updates = changes.filter((c) => c.votingPower > 0n);
    const deletes = changes.filter((c) => c.votingPower === 0n);
    if (!allowDeletes && deletes.length > 0) throw new ValidatorSetError('ErrDeleteNotAllowed', 'a new validator set cannot remove validators');
    for (const d of deletes) {
      if (!this.hasAddress(d.address)) throw new ValidatorSetError('ErrUnknownValidator', `cannot remove unknown validator ${toHex(d.address).toUpperCase()}`);
    }
    // total after updates, before removals (CometBFT's tvpAfterUpdatesBeforeRemovals)
    let tvp = this.total;
    for (const u of updates) tvp += u.votingPower - (this.getByAddress(u.address)?.validator.votingPower ?? 0n);
    if (tvp > MAX_TOTAL_VOTING_POWER) throw new ValidatorSetError('ErrTotalVotingPowerOverflow', `total voting power ${tvp} exceeds ${MAX_TOTAL_VOTING_POWER}`);
    let after = tvp;
    for (const d of deletes) after -= this.getByAddress(d.address)!.validator.votingPower;
    if (this.vals.length + updates.filter((u) => !this.hasAddress(u.address)).length - deletes.length === 0) {
      throw new ValidatorSetError('ErrEmptyValidatorSet', 'applying the changes would leave no validators');
    }
    const newPriority = -(tvp + (tvp >> 3n));
    const next = this.vals.map(copyValidator);
    // by address: a genesis set of N validators is N updates to an empty set (N² compares otherwise)
    const byAddress = new Map(next.map((v) => [toHex(v.address), v]));
    for (const u of updates) {
      const existing = byAddress.get(toHex(u.address));
      if (existing) existing.votingPower = u.votingPower;
      else next.push({ address: u.address, pubKey: u.pubKey, votingPower: u.votingPower, proposerPriority: newPriority });
    }
    const before = this.vals;
    const deleted = new Set(deletes.map((d) => toHex(d.address)));
    this.vals = deleted.size ? next.filter((v) => !deleted.has(toHex(v.address))) : next;
    this.total = after;
    this.rescalePriorities(PRIORITY_WINDOW_SIZE_FACTOR * this.total);
    this.shiftByAvgProposerPriority();
    this.vals.sort(byVotingPower);
    this.indexBox = { index: null };
    this.proposer = null;
    if (!sameHashedList(before, this.vals)) this.hashBox = { hash: null };
  }

  hash(): Bytes {
    return (this.hashBox.hash ??= validatorSetHash(this.vals));
  }

  toString(): string {
    const vs = this.vals.map((v) => `Validator{${toHex(v.address).toUpperCase()} VP:${v.votingPower} A:${v.proposerPriority}}`);
    return `ValidatorSet{\n  Proposer: ${this.proposer ? toHex(this.proposer.address).toUpperCase() : 'nil'}\n  Validators:\n    ${vs.join('\n    ')}\n}`;
  }
}

/** A validator's own copy (a literal of one shape: faster than a spread, a few hundred a height per node). */
function copyValidator(v: Validator): Validator {
  return { address: v.address, pubKey: v.pubKey, votingPower: v.votingPower, proposerPriority: v.proposerPriority };
}
