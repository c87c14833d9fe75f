// The replay console's model (the seed's `replay_console`, spec §10.6): apply a WAL's typed
// records one by one and keep what the node knew at that point — height/round/step, the
// proposals, block parts and votes of every round of the height, its own votes and the lock they
// imply — as plain, JSON-safe data (hex strings, numbers) that views format. Works for both
// formats, without the app. Seeking restores the nearest checkpoint (one every CHECKPOINT_EVERY
// records) and replays from there, so `back` costs at most that many records on any WAL size.
import { SignedMsgType } from '../types.js';
import { toHex } from '../bytes.js';
import type { WalFile } from './inspect.js';

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
  return { applied: 0, height: 0, round: 0, step: '', proposals: [], blockParts: [], votes: [], ownVotes: [], locked: null, bitArraySize, outOfRange: [], partSetHeaders: [], addresses: [] };
}

/** A deep copy (the state is plain data; checkpoints must not share arrays with the live state). */
export function copyReplayState(s: ReplayState): ReplayState {
  return {
    ...s,
    proposals: s.proposals.map((p) => ({ ...p })),
    blockParts: s.blockParts.map((b) => ({ round: b.round, indices: [...b.indices] })),
    votes: s.votes.map((v) => ({ ...v, voters: [...v.voters], byBlock: v.byBlock.map((b) => ({ block: b.block, voters: [...b.voters] })) })),
    ownVotes: s.ownVotes.map((v) => ({ ...v })),
    locked: s.locked && { ...s.locked },
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

  /** `validators` (0 = unknown) sizes the vote bit-arrays. */
  constructor(
    private readonly file: WalFile,
    validators = 0,
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
      }
    } else {
      const v = m.vote;
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
    }
  }

  private notePartSetHeader(block: string, psh: { total: number; hash: Uint8Array }): void {
    const s = this.state;
    if (block !== '' && !s.partSetHeaders.some((p) => p.block === block)) s.partSetHeaders.push({ block, total: psh.total, hash: hex(psh.hash) });
  }

  private enterHeight(h: number): void {
    const s = this.state;
    s.height = h;
    s.proposals = [];
    s.blockParts = [];
    s.votes = [];
    s.ownVotes = [];
    s.locked = null;
    s.outOfRange = [];
    s.partSetHeaders = [];
    s.addresses = [];
    s.bitArraySize = this.validators;
  }
}
