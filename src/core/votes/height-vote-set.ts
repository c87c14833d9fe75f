// HeightVoteSet: prevotes and precommits of every round of one height, with at most two
// "catch-up" rounds per peer beyond the current round (spec §7.3).
import type { BlockID, Vote, VoteType } from '../types.js';
import { SignedMsgType, isVoteType } from '../types.js';
import { nilBlockId } from '../blockid.js';
import { VoteError } from '../errors.js';
import type { SignatureChecker } from '../crypto/checker.js';
import type { ValidatorSet } from '../validators/validator-set.js';
import type { AddVoteResult } from './vote-set.js';
import { VoteSet } from './vote-set.js';

interface RoundVoteSet {
  prevotes: VoteSet;
  precommits: VoteSet;
}

const MAX_CATCHUP_ROUNDS_PER_PEER = 2;

export class HeightVoteSet {
  private _round = 0;
  private readonly rounds = new Map<number, RoundVoteSet>();
  private readonly peerCatchupRounds = new Map<string, number[]>();

  constructor(
    readonly chainId: string,
    readonly height: number,
    readonly valSet: ValidatorSet,
    private readonly checker: SignatureChecker,
  ) {
    this.addRound(0);
  }

  get round(): number {
    return this._round;
  }

  private addRound(r: number): void {
    if (this.rounds.has(r)) return;
    this.rounds.set(r, {
      prevotes: new VoteSet(this.chainId, this.height, r, SignedMsgType.Prevote, this.valSet, this.checker),
      precommits: new VoteSet(this.chainId, this.height, r, SignedMsgType.Precommit, this.valSet, this.checker),
    });
  }

  /** Tracks every round up to `r`; rounds never go back. */
  setRound(r: number): void {
    if (r < this._round) throw new Error(`HeightVoteSet.setRound(${r}) below round ${this._round}`);
    for (let i = this._round; i <= r; i++) this.addRound(i);
    this._round = r;
  }

  private voteSet(round: number, type: VoteType): VoteSet | null {
    const rvs = this.rounds.get(round);
    if (!rvs) return null;
    return type === SignedMsgType.Prevote ? rvs.prevotes : rvs.precommits;
  }

  addVote(vote: Vote, peerId: string): AddVoteResult {
    if (!isVoteType(vote.type)) {
      return { added: false, error: new VoteError('ErrVoteInvalidType', `invalid vote type ${vote.type}`, { type: vote.type }) };
    }
    let vs = this.voteSet(vote.round, vote.type);
    if (!vs) {
      const rs = this.peerCatchupRounds.get(peerId) ?? [];
      if (rs.length >= MAX_CATCHUP_ROUNDS_PER_PEER) {
        return {
          added: false,
          error: new VoteError('ErrGotVoteFromUnwantedRound', `peer ${peerId} already has catch-up rounds ${rs.join(', ')}; vote for round ${vote.round}`, {
            peerId,
            round: vote.round,
          }),
        };
      }
      this.addRound(vote.round);
      rs.push(vote.round);
      this.peerCatchupRounds.set(peerId, rs);
      vs = this.voteSet(vote.round, vote.type)!;
    }
    return vs.addVote(vote);
  }

  prevotes(round: number): VoteSet | null {
    return this.voteSet(round, SignedMsgType.Prevote);
  }

  precommits(round: number): VoteSet | null {
    return this.voteSet(round, SignedMsgType.Precommit);
  }

  /** The last round with a +2/3 prevote majority (possibly for nil), or round -1. */
  polInfo(): { round: number; blockId: BlockID } {
    for (let r = this._round; r >= 0; r--) {
      const maj = this.prevotes(r)?.twoThirdsMajority();
      if (maj) return { round: r, blockId: maj };
    }
    return { round: -1, blockId: nilBlockId() };
  }

  /** Forwards a peer's +2/3 claim to the round's vote set; unknown rounds are ignored. */
  setPeerMaj23(round: number, type: VoteType, peerId: string, blockId: BlockID): VoteError | null {
    if (!isVoteType(type)) return new VoteError('ErrVoteInvalidType', `invalid vote type ${type}`, { type });
    return this.voteSet(round, type)?.setPeerMaj23(peerId, blockId) ?? null;
  }

  /** Rounds present, ascending (for views). */
  roundNumbers(): number[] {
    return [...this.rounds.keys()].sort((a, b) => a - b);
  }

  stringIndented(indent = ''): string {
    const lines: string[] = [];
    for (const r of this.roundNumbers()) {
      const rvs = this.rounds.get(r)!;
      lines.push(rvs.prevotes.stringShort(), rvs.precommits.stringShort());
    }
    return `HeightVoteSet{H:${this.height} R:0~${this._round}\n${indent}  ${lines.join(`\n${indent}  `)}\n${indent}}`;
  }
}
