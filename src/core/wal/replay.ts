// The replay console's model (the seed's `replay_console`, spec §10.6): apply a WAL's typed
// records one by one and keep what the node knew at that point — height/round/step, the
// proposals, block parts and votes of every round of the height, its own votes and the lock they
// imply, the valid block and the last commit their +2/3 imply (./replay-thresholds.ts) — as plain,
// JSON-safe data (hex strings, numbers) that views format. Works for both formats, without the
// app. Seeking restores the nearest checkpoint (one every CHECKPOINT_EVERY records) and replays
// from there, so `back` costs at most that many records on any WAL size.
import { SignedMsgType } from '../types.js';
import type { Vote } from '../types.js';
import { toHex } from '../bytes.js';
import type { WalFile } from './inspect.js';
import type { ReplayPowers } from './replay-thresholds.js';
import { commitRoundOf, equalPowers, noteValidBlock } from './replay-thresholds.js';

/** The most validators a vote bit-array is drawn for: a higher index is reported, not allocated. */
export const MAX_REPLAY_VALIDATORS = 10_000;
export const CHECKPOINT_EVERY = 256;

/** A proposal seen at the current height (hashes are uppercase hex, '' when absent). */
export interface ReplayProposal {
  round: number;
  polRound: number;
  blockHash: string;
  partsTotal: number;
  partsHash: string;
  /** '' = our own */
  peerId: string;
}

/** The votes of one type in one round: who voted (validator indices), and for what. */
export interface ReplayVoteSet {
  round: number;
  /** SignedMsgType: 1 prevote, 2 precommit */
  type: number;
  /** validator indices in arrival order; each index once per block it voted for */
  voters: number[];
  /** per voted block hash (uppercase hex, '' = nil), the indices that voted for it */
  byBlock: { block: string; voters: number[] }[];
}

/** The previous height's precommits of its commit round (the engine's LastCommit), as that height drew them. */
export interface ReplayLastCommit {
  height: number;
  round: number;
  precommits: ReplayVoteSet;
  bitArraySize: number;
  addresses: { index: number; address: string }[];
  partSetHeaders: { block: string; total: number; hash: string }[];
}

export interface ReplayState {
  /** records applied so far; the next record to apply is entries[applied] */
  applied: number;
  height: number;
  round: number;
  step: string;
  proposals: ReplayProposal[];
  /** block parts received at this height, per round (part indices, sorted) */
  blockParts: { round: number; indices: number[] }[];
  votes: ReplayVoteSet[];
  /** our own votes at this height (peer id '') */
  ownVotes: { round: number; type: number; block: string }[];
  /** the lock our own precommits imply: the last non-nil one at this height (the WAL does not record locks) */
  locked: { round: number; block: string } | null;
  /** ValidRound/ValidBlock: the latest polka of a current round for the proposal block held then */
  valid: { round: number; block: string } | null;
  /**
   * LastCommit: the last height's commit-round precommits, with the late ones that came while the
   * node waited in NewHeight; null when the WAL does not show the node commit the height before
   */
  lastCommit: ReplayLastCommit | null;
  /** length of the vote bit-arrays: the validator count given, or the highest index seen + 1 (capped) */
  bitArraySize: number;
  /** votes at this height whose validator index is beyond the bit-arrays' cap: counted, not drawn */
  outOfRange: { round: number; type: number; index: number }[];
  /** the part-set header of each block (uppercase hex hash) a proposal or vote named at this height, first seen */
  partSetHeaders: { block: string; total: number; hash: string }[];
  /** validator addresses (uppercase hex) the votes at this height carried, by index (drawn indices only) */
  addresses: { index: number; address: string }[];
}

const hex = (b: Uint8Array) => toHex(b).toUpperCase();

function emptyState(bitArraySize: number): ReplayState {
  return { applied: 0, height: 0, round: 0, step: '', proposals: [], blockParts: [], votes: [], ownVotes: [], locked: null, valid: null, lastCommit: null, bitArraySize, outOfRange: [], partSetHeaders: [], addresses: [] };
}

const copyVoteSet = (v: ReplayVoteSet): ReplayVoteSet => ({ ...v, voters: [...v.voters], byBlock: v.byBlock.map((b) => ({ block: b.block, voters: [...b.voters] })) });

/** A deep copy (the state is plain data; checkpoints must not share arrays with the live state). */
export function copyReplayState(s: ReplayState): ReplayState {
  const lc = s.lastCommit;
  return {
    ...s,
    proposals: s.proposals.map((p) => ({ ...p })),
    blockParts: s.blockParts.map((b) => ({ round: b.round, indices: [...b.indices] })),
    votes: s.votes.map(copyVoteSet),
    ownVotes: s.ownVotes.map((v) => ({ ...v })),
    locked: s.locked && { ...s.locked },
    valid: s.valid && { ...s.valid },
    lastCommit: lc && { ...lc, precommits: copyVoteSet(lc.precommits), addresses: lc.addresses.map((a) => ({ ...a })), partSetHeaders: lc.partSetHeaders.map((p) => ({ ...p })) },
    outOfRange: s.outOfRange.map((o) => ({ ...o })),
    partSetHeaders: s.partSetHeaders.map((p) => ({ ...p })),
    addresses: s.addresses.map((a) => ({ ...a })),
  };
}

/** Inserts the first address seen for `index`, keeping the list sorted by index (binary search). */
function noteAddress(list: ReplayState['addresses'], index: number, address: Uint8Array): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].index < index) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo]?.index !== index) list.splice(lo, 0, { index, address: hex(address) });
}

export class WalReplay {
  state: ReplayState;
  /** checkpoints[i] = the state after i * CHECKPOINT_EVERY records, filled in as replay passes */
  private readonly checkpoints: ReplayState[];
  /** validator indices at or above this are reported, not drawn */
  private readonly cap: number;
  private readonly validators: number;

  /**
   * `validators` (0 = unknown) sizes the vote bit-arrays; `powers` weighs their columns for the
   * +2/3 the valid block and the commit round need (default: 1 each).
   */
  constructor(
    private readonly file: WalFile,
    validators = 0,
    private readonly powers: ReplayPowers = equalPowers,
  ) {
    this.validators = Math.min(Math.max(0, validators), MAX_REPLAY_VALIDATORS);
    this.cap = this.validators > 0 ? this.validators : MAX_REPLAY_VALIDATORS;
    this.state = emptyState(this.validators);
    this.checkpoints = [emptyState(this.validators)];
  }

  get total(): number {
    return this.file.entries.length;
  }

  /** Index of the last record applied, or null at the start. */
  get lastIndex(): number | null {
    return this.state.applied > 0 ? this.state.applied - 1 : null;
  }

  /** Applies up to n more records; returns how many were applied. */
  next(n = 1): number {
    const target = Math.min(this.total, this.state.applied + Math.max(0, n));
    const done = target - this.state.applied;
    while (this.state.applied < target) this.step();
    return done;
  }

  /** Goes back n records. */
  back(n = 1): void {
    this.seek(this.state.applied - n);
  }

  /** Puts the state right after `k` records, from the nearest checkpoint at or before k. */
  seek(k: number): void {
    const target = Math.max(0, Math.min(this.total, k));
    const cp = Math.min(Math.floor(target / CHECKPOINT_EVERY), this.checkpoints.length - 1);
    if (target < this.state.applied || cp * CHECKPOINT_EVERY > this.state.applied) this.state = copyReplayState(this.checkpoints[cp]);
    this.next(target - this.state.applied);
  }

  private step(): void {
    this.apply(this.state.applied);
    this.state.applied++;
    const s = this.state;
    if (s.applied % CHECKPOINT_EVERY === 0 && this.checkpoints.length === s.applied / CHECKPOINT_EVERY) this.checkpoints.push(copyReplayState(s));
  }

  private apply(i: number): void {
    const r = this.file.entries[i].record;
    const s = this.state;
    if (r.type === 'roundState') {
      if (r.event.height !== s.height) this.enterHeight(r.event.height);
      s.round = r.event.round;
      s.step = r.event.step;
      return;
    }
    if (r.type !== 'msgInfo') return;
    const m = r.msg;
    if (m.kind === 'Proposal') {
      const p = m.proposal;
      if (p.height !== s.height) return;
      this.notePartSetHeader(hex(p.blockId.hash), p.blockId.partSetHeader);
      const proposal = { round: p.round, polRound: p.polRound, blockHash: hex(p.blockId.hash), partsTotal: p.blockId.partSetHeader.total, partsHash: hex(p.blockId.partSetHeader.hash), peerId: r.peerId };
      const at = s.proposals.findIndex((x) => x.round === p.round);
      if (at >= 0) s.proposals[at] = proposal;
      else s.proposals.push(proposal);
      s.proposals.sort((a, b) => a.round - b.round);
    } else if (m.kind === 'BlockPart') {
      if (m.height !== s.height) return;
      let set = s.blockParts.find((b) => b.round === m.round);
      if (!set) s.blockParts.push((set = { round: m.round, indices: [] }));
      if (!set.indices.includes(m.part.index)) {
        set.indices.push(m.part.index);
        set.indices.sort((a, b) => a - b);
        // the engine's handleCompleteProposal: a polka that came before the last part
        if (m.round === s.round) noteValidBlock(s, this.powers);
      }
    } else {
      const v = m.vote;
      if (v.height + 1 === s.height && v.type === SignedMsgType.Precommit) return this.lateCommitVote(v);
      if (v.height !== s.height) return;
      const block = hex(v.blockId.hash);
      this.notePartSetHeader(block, v.blockId.partSetHeader);
      if (r.peerId === '') {
        if (!s.ownVotes.some((o) => o.round === v.round && o.type === v.type && o.block === block)) s.ownVotes.push({ round: v.round, type: v.type, block });
        if (v.type === SignedMsgType.Precommit && block !== '' && (!s.locked || v.round >= s.locked.round)) s.locked = { round: v.round, block };
      }
      if (v.validatorIndex < 0 || v.validatorIndex >= this.cap) {
        if (!s.outOfRange.some((o) => o.round === v.round && o.type === v.type && o.index === v.validatorIndex)) s.outOfRange.push({ round: v.round, type: v.type, index: v.validatorIndex });
        return;
      }
      let set = s.votes.find((x) => x.round === v.round && x.type === v.type);
      if (!set) {
        s.votes.push((set = { round: v.round, type: v.type, voters: [], byBlock: [] }));
        s.votes.sort((a, b) => a.round - b.round || a.type - b.type);
      }
      let forBlock = set.byBlock.find((b) => b.block === block);
      if (!forBlock) set.byBlock.push((forBlock = { block, voters: [] }));
      if (forBlock.voters.includes(v.validatorIndex)) return;
      forBlock.voters.push(v.validatorIndex);
      noteAddress(s.addresses, v.validatorIndex, v.validatorAddress);
      set.voters.push(v.validatorIndex);
      s.bitArraySize = Math.max(s.bitArraySize, v.validatorIndex + 1);
      // the engine's onPrevote: ValidBlock follows a polka of the round it is in
      if (v.type === SignedMsgType.Prevote && v.round === s.round) noteValidBlock(s, this.powers);
    }
  }

  /**
   * A precommit of the height before (spec §4.13.1): the engine adds it to LastCommit only while it
   * waits in NewHeight, and only for the commit's round (a VoteSet has one round); else drops it.
   */
  private lateCommitVote(v: Vote): void {
    const lc = this.state.lastCommit;
    if (!lc || this.state.step !== 'RoundStepNewHeight' || v.round !== lc.round) return;
    // a validator silent at that height still signs: the bit-array grows as this height's do
    if (v.validatorIndex < 0 || v.validatorIndex >= this.cap || lc.precommits.voters.includes(v.validatorIndex)) return;
    lc.bitArraySize = Math.max(lc.bitArraySize, v.validatorIndex + 1);
    const block = hex(v.blockId.hash);
    let forBlock = lc.precommits.byBlock.find((b) => b.block === block);
    if (!forBlock) lc.precommits.byBlock.push((forBlock = { block, voters: [] }));
    forBlock.voters.push(v.validatorIndex);
    lc.precommits.voters.push(v.validatorIndex);
    noteAddress(lc.addresses, v.validatorIndex, v.validatorAddress);
  }

  private notePartSetHeader(block: string, psh: { total: number; hash: Uint8Array }): void {
    const s = this.state;
    if (block !== '' && !s.partSetHeaders.some((p) => p.block === block)) s.partSetHeaders.push({ block, total: psh.total, hash: hex(psh.hash) });
  }

  private enterHeight(h: number): void {
    const s = this.state;
    // updateToState: the height just committed leaves its commit round's precommits as LastCommit
    const commitRound = s.height + 1 === h ? commitRoundOf(s, this.powers) : -1;
    const precommits = s.votes.find((v) => v.round === commitRound && v.type === SignedMsgType.Precommit);
    s.lastCommit = precommits ? { height: s.height, round: commitRound, precommits, bitArraySize: s.bitArraySize, addresses: s.addresses, partSetHeaders: s.partSetHeaders } : null;
    s.height = h;
    s.proposals = [];
    s.blockParts = [];
    s.votes = [];
    s.ownVotes = [];
    s.locked = null;
    s.valid = null;
    s.outOfRange = [];
    s.partSetHeaders = [];
    s.addresses = [];
    s.bitArraySize = this.validators;
  }
}
