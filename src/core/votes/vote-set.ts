// VoteSet: the votes of one (height, round, type), with CometBFT's rules for duplicates,
// conflicts, peer +2/3 claims and the first +2/3 majority (spec §7.1).
import type { BlockID, Commit, CommitSig, Vote, VoteType } from '../types.js';
import { BlockIDFlag, GO_ZERO_TIME, SignedMsgType } from '../types.js';
import { BitArray } from '../bits/bit-array.js';
import { blockIdEqual, blockIdKey, blockIdShort, isNilBlockId, nilBlockId } from '../blockid.js';
import { bytesEqual, EMPTY_BYTES, toHex } from '../bytes.js';
import { ConflictingVoteError, VoteError } from '../errors.js';
import type { SignatureChecker } from '../crypto/checker.js';
import type { ValidatorSet } from '../validators/validator-set.js';

export interface AddVoteResult {
  added: boolean;
  error?: VoteError;
}

/** Votes for one BlockID (tracked for the first vote of each validator, or after a peer's claim). */
class BlockVotes {
  readonly bitArray: BitArray;
  readonly votes: (Vote | null)[];
  sum = 0n;
  constructor(
    public peerMaj23: boolean,
    size: number,
  ) {
    this.bitArray = new BitArray(size);
    this.votes = new Array<Vote | null>(size).fill(null);
  }
  add(vote: Vote, power: bigint): void {
    if (this.votes[vote.validatorIndex]) return;
    this.bitArray.set(vote.validatorIndex);
    this.votes[vote.validatorIndex] = vote;
    this.sum += power;
  }
}

// the two answers without an error, shared: callers only read them, and an add happens per delivery
const ADDED: AddVoteResult = Object.freeze({ added: true });
const NOT_ADDED: AddVoteResult = Object.freeze({ added: false });

/** A refused vote, with where it was for (made only on refusal: every add would pay for it). */
function rejected(vote: Vote, code: string, message: string): AddVoteResult {
  const where = { validatorIndex: vote.validatorIndex, height: vote.height, round: vote.round, type: vote.type };
  return { added: false, error: new VoteError(code, message, where) };
}

const TYPE_NAME: Record<number, string> = { [SignedMsgType.Prevote]: 'Prevote', [SignedMsgType.Precommit]: 'Precommit' };

export class VoteSet {
  private readonly votesBitArray: BitArray;
  private readonly votes: (Vote | null)[];
  private _sum = 0n;
  private maj23: BlockID | null = null;
  private readonly votesByBlock = new Map<string, BlockVotes>();
  private readonly peerMaj23s = new Map<string, BlockID>();

  constructor(
    readonly chainId: string,
    readonly height: number,
    readonly round: number,
    readonly type: VoteType,
    readonly valSet: ValidatorSet,
    private readonly checker: SignatureChecker,
  ) {
    if (height <= 0) throw new VoteError('ErrVoteSetHeight', 'a VoteSet needs a positive height', { height });
    this.votesBitArray = new BitArray(valSet.size);
    this.votes = new Array<Vote | null>(valSet.size).fill(null);
  }

  get size(): number {
    return this.valSet.size;
  }

  get sum(): bigint {
    return this._sum;
  }

  /** +2/3 of the set's power (asked on every add; the validator set of a VoteSet never changes). */
  private quorum(): bigint {
    return (this.quorumPower ??= (this.valSet.totalVotingPower() * 2n) / 3n + 1n);
  }

  private quorumPower: bigint | null = null;

  /** Adds a vote after the checks of §7.1, cheap ones first; duplicates are not errors. */
  addVote(vote: Vote): AddVoteResult {
    if (vote.validatorIndex < 0) return rejected(vote, 'ErrVoteInvalidValidatorIndex', `negative validator index ${vote.validatorIndex}`);
    if (vote.validatorAddress.length === 0) return rejected(vote, 'ErrVoteInvalidValidatorAddress', 'empty validator address');
    if (vote.height !== this.height || vote.round !== this.round || vote.type !== this.type) {
      return rejected(vote, 'ErrVoteUnexpectedStep', `expected ${this.height}/${this.round}/${this.type}, but got ${vote.height}/${vote.round}/${vote.type}`);
    }
    const val = this.valSet.getByIndex(vote.validatorIndex);
    if (!val) return rejected(vote, 'ErrVoteInvalidValidatorIndex', `cannot find validator ${vote.validatorIndex} in valSet of size ${this.size}`);
    if (!bytesEqual(val.address, vote.validatorAddress)) {
      return rejected(
        vote,
        'ErrVoteInvalidValidatorAddress',
        `vote.ValidatorAddress (${toHex(vote.validatorAddress).toUpperCase()}) does not match address (${toHex(val.address).toUpperCase()}) for index ${vote.validatorIndex}`,
      );
    }
    const key = blockIdKey(vote.blockId);
    const existing = this.getVote(vote.validatorIndex, key);
    if (existing) {
      if (bytesEqual(existing.signature, vote.signature)) return NOT_ADDED;
      return rejected(vote, 'ErrVoteNonDeterministicSignature', 'same vote with a different signature');
    }
    if (!this.checker.verifyVote(this.chainId, vote, val.pubKey)) return rejected(vote, 'ErrVoteInvalidSignature', 'invalid signature');
    const { added, conflicting } = this.addVerifiedVote(vote, key, val.votingPower);
    if (conflicting) return { added, error: new ConflictingVoteError(conflicting, vote, added) };
    return added ? ADDED : NOT_ADDED;
  }

  /** The vote of validator `i` for the block `key`, wherever it is stored. */
  private getVote(i: number, key: string): Vote | null {
    const v = this.votes[i];
    if (v && blockIdKey(v.blockId) === key) return v;
    return this.votesByBlock.get(key)?.votes[i] ?? null;
  }

  private addVerifiedVote(vote: Vote, key: string, power: bigint): { added: boolean; conflicting: Vote | null } {
    const i = vote.validatorIndex;
    const existing = this.votes[i];
    let conflicting: Vote | null = null;
    if (existing) {
      conflicting = existing;
      // prefer the vote for the +2/3 block as the canonical one
      if (this.maj23 && blockIdKey(this.maj23) === key) this.votes[i] = vote;
    } else {
      this.votes[i] = vote;
      this.votesBitArray.set(i);
      this._sum += power;
    }
    let bv = this.votesByBlock.get(key);
    if (bv) {
      if (conflicting && !bv.peerMaj23) return { added: false, conflicting };
    } else {
      // a conflicting vote for a block nobody claimed is not tracked: memory stays bounded
      if (conflicting) return { added: false, conflicting };
      bv = new BlockVotes(false, this.size);
      this.votesByBlock.set(key, bv);
    }
    const before = bv.sum;
    const quorum = this.quorum();
    bv.add(vote, power);
    if (before < quorum && quorum <= bv.sum && !this.maj23) {
      this.maj23 = vote.blockId;
      bv.votes.forEach((v, j) => {
        if (v) this.votes[j] = v;
      });
    }
    return { added: true, conflicting };
  }

  /** Records a peer's claim of +2/3 for `blockId`; a second, different claim is an error. */
  setPeerMaj23(peerId: string, blockId: BlockID): VoteError | null {
    const key = blockIdKey(blockId);
    const prior = this.peerMaj23s.get(peerId);
    if (prior) {
      if (blockIdKey(prior) === key) return null;
      return new VoteError('ErrConflictingPeerMaj23', `peer ${peerId} claimed ${blockIdShort(prior)} and now ${blockIdShort(blockId)}`, {
        peerId,
        height: this.height,
        round: this.round,
      });
    }
    this.peerMaj23s.set(peerId, blockId);
    const bv = this.votesByBlock.get(key);
    if (bv) bv.peerMaj23 = true;
    else this.votesByBlock.set(key, new BlockVotes(true, this.size));
    return null;
  }

  bitArray(): BitArray {
    return this.votesBitArray.copy();
  }

  bitArrayView(): BitArray {
    return this.votesBitArray;
  }

  bitArrayByBlockId(blockId: BlockID): BitArray | null {
    return this.votesByBlock.get(blockIdKey(blockId))?.bitArray.copy() ?? null;
  }

  getByIndex(i: number): Vote | null {
    return this.votes[i] ?? null;
  }

  getByAddress(address: Uint8Array): Vote | null {
    const found = this.valSet.getByAddress(address);
    return found ? this.votes[found.index] : null;
  }

  hasTwoThirdsMajority(): boolean {
    return this.maj23 !== null;
  }

  isCommit(): boolean {
    return this.type === SignedMsgType.Precommit && this.maj23 !== null;
  }

  hasTwoThirdsAny(): boolean {
    return this._sum >= this.quorum();
  }

  hasAll(): boolean {
    return this._sum === this.valSet.totalVotingPower();
  }

  twoThirdsMajority(): BlockID | null {
    return this.maj23;
  }

  /** Power and voters per BlockID for the views (in first-seen order). */
  tallies(): { blockId: BlockID; power: bigint; bitArray: BitArray }[] {
    const out: { blockId: BlockID; power: bigint; bitArray: BitArray }[] = [];
    for (const bv of this.votesByBlock.values()) {
      const first = bv.votes.find((v) => v);
      if (first) out.push({ blockId: first.blockId, power: bv.sum, bitArray: bv.bitArray.copy() });
    }
    return out;
  }

  /** MakeCommit ([CMT]): the +2/3 precommits; other validators are Absent or Nil. */
  makeCommit(): Commit {
    if (this.type !== SignedMsgType.Precommit) throw new VoteError('ErrNotPrecommits', 'cannot make a commit from prevotes');
    if (!this.maj23) throw new VoteError('ErrNoMajority', 'cannot make a commit without a +2/3 majority');
    const maj = this.maj23;
    const signatures: CommitSig[] = this.votes.map((v) => {
      if (!v || (!isNilBlockId(v.blockId) && !blockIdEqual(v.blockId, maj))) {
        return { blockIdFlag: BlockIDFlag.Absent, validatorAddress: EMPTY_BYTES, timestamp: { ...GO_ZERO_TIME }, signature: EMPTY_BYTES };
      }
      const flag = isNilBlockId(v.blockId) ? BlockIDFlag.Nil : BlockIDFlag.Commit;
      return { blockIdFlag: flag, validatorAddress: v.validatorAddress, timestamp: v.timestamp, signature: v.signature };
    });
    return { height: this.height, round: this.round, blockId: maj, signatures };
  }

  /** CometBFT's `VoteSet{H:1 R:0 T:1 +2/3:<nil>(0.5) BA{4:xx__} map[]}` form. */
  stringShort(): string {
    const frac = Number(this._sum) / Number(this.valSet.totalVotingPower() || 1n);
    const maj = this.maj23 ? blockIdShort(this.maj23) : '<nil>';
    return `VoteSet{H:${this.height} R:${this.round} T:${TYPE_NAME[this.type]} +2/3:${maj}(${frac.toFixed(3).replace(/\.?0+$/, '') || '0'}) ${this.votesBitArray.toString()} ${this.peerMaj23sString()}}`;
  }

  private peerMaj23sString(): string {
    return `map[${[...this.peerMaj23s].map(([p, id]) => `${p}:${blockIdShort(id)}`).join(' ')}]`;
  }

  toString(indent = ''): string {
    const votes = this.votes.map((v) => (v ? `Vote{${v.validatorIndex}:${toHex(v.validatorAddress).slice(0, 12).toUpperCase()} ${v.height}/${v.round}/${TYPE_NAME[v.type]} ${blockIdShort(v.blockId)}}` : 'nil-Vote'));
    return `VoteSet{\n${indent}  H:${this.height} R:${this.round} T:${TYPE_NAME[this.type]}\n${indent}  ${votes.join(`\n${indent}  `)}\n${indent}  ${this.votesBitArray.toString()}\n${indent}  ${this.peerMaj23sString()}\n${indent}}`;
  }
}

/** Rebuilds the precommit VoteSet of a commit (CommitToVoteSet); every signature is checked. */
export function commitToVoteSet(chainId: string, commit: Commit, valSet: ValidatorSet, checker: SignatureChecker): VoteSet {
  const vs = new VoteSet(chainId, commit.height, commit.round, SignedMsgType.Precommit, valSet, checker);
  commit.signatures.forEach((sig, i) => {
    if (sig.blockIdFlag === BlockIDFlag.Absent || sig.blockIdFlag === BlockIDFlag.Unknown) return;
    const vote: Vote = {
      type: SignedMsgType.Precommit,
      height: commit.height,
      round: commit.round,
      blockId: sig.blockIdFlag === BlockIDFlag.Commit ? commit.blockId : nilBlockId(),
      timestamp: sig.timestamp,
      validatorAddress: sig.validatorAddress,
      validatorIndex: i,
      signature: sig.signature,
      extension: EMPTY_BYTES,
      extensionSignature: EMPTY_BYTES,
    };
    const res = vote.validatorAddress.length ? vs.addVote(vote) : { added: false, error: new VoteError('ErrVoteInvalidValidatorAddress', 'empty address') };
    if (res.error) throw res.error;
  });
  return vs;
}
