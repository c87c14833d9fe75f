// A WAL replay projected into the observation model: the same events and snapshots the classroom
// and a live node give the views, built from a WalReplay position (src/core/wal/replay.ts) and the
// WAL's typed records, so `prevote wal replay` and the browser's WAL debugger only format them.
//
// What a WAL cannot know, and the conventions used instead:
// - Validators: one entry per bit-array column (the `validators` count given, or the highest
//   validator index seen at this height + 1, and at least the genesis' count when one is matched),
//   with the address a vote at this height carried (else the genesis' validator at that index, in
//   the set's order; else ''), the genesis' name for that address, and priority 0. Voting powers
//   are the genesis' while the height's votes agree with its set (each vote's address at its
//   index, no index beyond it); otherwise 1 each, and sums and the +2/3 lines (twoThirdsMajority,
//   hasTwoThirdsAny) count 1 per voter against that many validators: right for equal powers and a
//   known count, a guess otherwise.
// - The proposer is the validator whose key verified the round's proposal, once a genesis is
//   matched (proposers); else unknown (''). So is triggeredTimeoutPrecommit (false).
// - The lock is the one the node's own precommits imply (the WAL records no locks). The valid
//   block and the last commit are the engine's rules over the recorded votes, proposal and parts
//   (core/wal/replay-thresholds.ts), with the powers above; the last commit is null at a height
//   the WAL does not show the node enter from the one before (a restart's first height).
// - The HeightVoteSet lists the rounds with votes and the current round.
// - A proposal is the current round's; it is recorded as received, before the node checked it,
//   so its event is ProposalAccepted for "the node took it in". proposalBlock is its hash once
//   every part named by its part-set header is in; a v0.10 proposal names no hash.
// - Hashes are lower-case hex as everywhere in the model; a block's part-set header is the first
//   one a proposal or vote at this height named for it (total 0 and '' when none did).
// - Times are the records' absolute ms; a record without one (v0.10's #ENDHEIGHT) takes the
//   previous record's time (the next one's at the very start). Round start = the time of the
//   record that entered the current height/round; commitTime is null.
// - The node's id is the one given (the CLI passes the file name). Its address is the one its own
//   votes carry (the first in the file), and its name the genesis' name for that address, else
//   its id: the views then name its column after it and no other validator.
// - Events: one per record, with the height/round/step after it: a roundState record →
//   NewRoundStep; msgInfo Vote → Vote, Proposal → ProposalAccepted, BlockPart → BlockPartAdded;
//   timeout → TimeoutPropose (Propose), TimeoutWait (PrevoteWait, PrecommitWait) as the engine
//   emits them, else Timeout; EndHeight → EndHeight.
import { MAX_BLOCK_PARTS_COUNT, SignedMsgType, roundStepName } from '../core/types.js';
import { toHex } from '../core/bytes.js';
import { snapshotBlockId } from '../core/consensus/snapshot.js';
import type { WalFile } from '../core/wal/inspect.js';
import { recordTimes } from '../core/wal/inspect.js';
import { WalReplay } from '../core/wal/replay.js';
import type { ReplayState, ReplayVoteSet } from '../core/wal/replay.js';
import type { ReplayPowers } from '../core/wal/replay-thresholds.js';
import { validBlockOf } from '../core/wal/replay-thresholds.js';
import type { BlockIdHex, Bits, Frame, NodeId, NodeSummary, ObsEvent, RoundStateView, StepName, VoteKind, VoteSetSnapshot } from './model.js';

const NIL: BlockIdHex = { hash: '', partSetHeader: { total: 0, hash: '' } };

const STEPS = new Set<string>([
  'RoundStepNewHeight',
  'RoundStepNewRound',
  'RoundStepPropose',
  'RoundStepPrevote',
  'RoundStepPrevoteWait',
  'RoundStepPrecommit',
  'RoundStepPrecommitWait',
  'RoundStepCommit',
]);
/** A WAL's step string as a StepName ('RoundStepUnknown' before any, or for a name no version uses). */
export const walStepName = (step: string): StepName => (STEPS.has(step) ? (step as StepName) : 'RoundStepUnknown');

const voteKind = (type: number): VoteKind => (type === SignedMsgType.Prevote ? 'prevote' : 'precommit');

/** A proposal the node saw at this height (any round). `from` null: its own. */
export interface WalProposalView {
  round: number;
  polRound: number;
  blockId: BlockIdHex;
  from: NodeId | null;
}

/** The state at one position of a WAL: the RoundState and what only a WAL tells. */
export interface WalView {
  node: NodeId;
  /** records applied; the next one is record `applied` */
  applied: number;
  total: number;
  roundState: RoundStateView;
  /** every proposal at this height, by round (the RoundState has the current round's only) */
  proposals: WalProposalView[];
  /** the node's own votes at this height */
  ownVotes: { round: number; type: VoteKind; blockId: BlockIdHex }[];
  /** votes at this height whose validator index is beyond the bit-arrays: counted, not drawn */
  outOfRange: { round: number; type: VoteKind; index: number }[];
}

export interface WalProjectionOptions {
  /** the node's id in events and frames (the CLI: the file name) */
  node: NodeId;
  /** validator count (0 or absent = unknown: the bit-arrays grow to the highest index seen) */
  validators?: number;
}

/**
 * A WalReplay and what the model needs beside its state: every record's time, the
 * height/round/step after it, the height committed and the round's start, precomputed in one
 * pass so an event or a frame at any position costs no replay.
 */
export class WalProjection {
  /** made anew when a genesis is matched: its powers change the +2/3 the replay's checkpoints hold */
  replay: WalReplay;
  readonly node: NodeId;
  /**
   * The genesis' validators in the set's order, once a genesis is matched to the file: the vote
   * bit-arrays are at least this wide, from a height's start (the set may have grown since, so not
   * at most), and its names name the columns.
   */
  private validatorsOfGenesis: readonly GenesisValidatorView[] = [];
  /** who proposed, by "height/round" (lower-case hex address), once a genesis' keys verified the proposals */
  private proposedBy: ReadonlyMap<string, string> = new Map();
  /** the validator address (lower-case hex) the node's own votes carry, '' when it cast none */
  readonly address: string;
  private readonly validators: number;
  private readonly powers: ReplayPowers = (s) => columnPowers(this.validatorsOfGenesis, s);
  private readonly times: number[];
  private readonly heights: number[] = [];
  private readonly rounds: number[] = [];
  private readonly steps: StepName[] = [];
  private readonly committed: number[] = [];
  private readonly roundStarts: number[] = [];

  constructor(
    readonly file: WalFile,
    opts: WalProjectionOptions,
  ) {
    this.node = opts.node;
    this.validators = opts.validators ?? 0;
    this.replay = new WalReplay(file, this.validators, this.powers);
    const entries = file.entries;
    let address = '';
    this.times = recordTimes(entries);
    let height = 0;
    let round = 0;
    let step: StepName = 'RoundStepUnknown';
    let committed = 0;
    let roundStart = this.times[0] ?? 0;
    for (let i = 0; i < entries.length; i++) {
      const r = entries[i].record;
      const time = this.times[i];
      if (r.type === 'roundState') {
        if (r.event.height !== height || r.event.round !== round) roundStart = time;
        height = r.event.height;
        round = r.event.round;
        step = walStepName(r.event.step);
      } else if (r.type === 'endHeight') committed = Math.max(committed, r.height);
      else if (address === '' && r.type === 'msgInfo' && r.peerId === '' && r.msg.kind === 'Vote') address = lower(toHex(r.msg.vote.validatorAddress));
      this.heights.push(height);
      this.rounds.push(round);
      this.steps.push(step);
      this.committed.push(committed);
      this.roundStarts.push(roundStart);
    }
    this.address = address;
  }

  get genesis(): readonly GenesisValidatorView[] {
    return this.validatorsOfGenesis;
  }

  get proposers(): ReadonlyMap<string, string> {
    return this.proposedBy;
  }

  /**
   * A genesis was matched to the file: its validators and the proposers its keys found. The replay
   * starts over (to the same position), since its checkpoints weighed the votes without it.
   */
  setGenesis(validators: readonly GenesisValidatorView[], proposers: ReadonlyMap<string, string>): void {
    this.validatorsOfGenesis = validators;
    this.proposedBy = proposers;
    const applied = this.replay.state.applied;
    this.replay = new WalReplay(this.file, this.validators, this.powers);
    this.replay.seek(applied);
  }

  /** The node's name: the genesis' name for its address, else its id. */
  get name(): string {
    return (this.address && this.genesis.find((g) => g.address === this.address)?.name) || this.node;
  }

  get total(): number {
    return this.file.entries.length;
  }

  /** Absolute ms of the first record (a frame's origin). */
  get origin(): number {
    return this.times[0] ?? 0;
  }

  /** Absolute ms of record i. */
  time(i: number): number {
    return this.times[i];
  }

  /** How many records lie before `t` ms since the origin: the first record later than it. */
  indexAt(t: number): number {
    const abs = this.origin + t;
    const i = this.times.findIndex((x) => x > abs);
    return i < 0 ? this.total : i;
  }

  /** The event record i is, with the node's height/round/step after it. */
  event(i: number): ObsEvent {
    const r = this.file.entries[i].record;
    const base = { node: this.node, time: this.times[i], height: this.heights[i], round: this.rounds[i], step: this.steps[i] };
    switch (r.type) {
      case 'roundState':
        return { ...base, type: 'NewRoundStep' };
      case 'endHeight':
        return { ...base, type: 'EndHeight', endHeight: r.height };
      case 'timeout': {
        const s = roundStepName(r.timeout.step) as StepName;
        if (s === 'RoundStepPropose') return { ...base, type: 'TimeoutPropose' };
        if (s === 'RoundStepPrevoteWait' || s === 'RoundStepPrecommitWait') return { ...base, type: 'TimeoutWait', waitStep: s };
        return { ...base, type: 'Timeout', timeoutStep: s, duration: r.timeout.duration };
      }
      case 'msgInfo': {
        const m = r.msg;
        if (m.kind === 'Vote') {
          const v = m.vote;
          const vote = { type: voteKind(v.type), height: v.height, round: v.round, validatorIndex: v.validatorIndex, validatorAddress: toHex(v.validatorAddress), blockId: snapshotBlockId(v.blockId) };
          return { ...base, type: 'Vote', vote };
        }
        if (m.kind === 'Proposal') {
          const p = m.proposal;
          return { ...base, type: 'ProposalAccepted', proposal: { height: p.height, round: p.round, polRound: p.polRound, blockId: snapshotBlockId(p.blockId) } };
        }
        return { ...base, type: 'BlockPartAdded', partHeight: m.height, partRound: m.round, index: m.part.index };
      }
    }
  }

  /** The events of records [from, to). */
  events(from: number, to: number): ObsEvent[] {
    const out: ObsEvent[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.total); i++) out.push(this.event(i));
    return out;
  }

  /** The state at the replay's position. */
  view(): WalView {
    const s = this.replay.state;
    const last = s.applied - 1;
    const blockId = blockIdOf(s);
    return {
      node: this.node,
      applied: s.applied,
      total: this.total,
      roundState: roundStateOf(s, this.genesis, blockId, last >= 0 ? this.roundStarts[last] : this.origin, this.proposers.get(`${s.height}/${s.round}`) ?? ''),
      proposals: s.proposals.map((p) => ({ round: p.round, polRound: p.polRound, blockId: proposalBlockId(p), from: p.peerId === '' ? null : p.peerId })),
      ownVotes: s.ownVotes.map((v) => ({ round: v.round, type: voteKind(v.type), blockId: blockId(v.block) })),
      outOfRange: s.outOfRange.map((o) => ({ round: o.round, type: voteKind(o.type), index: o.index })),
    };
  }

  /** The node at a glance. */
  summary(view: WalView = this.view()): NodeSummary {
    const rs = view.roundState;
    const last = view.applied - 1;
    const summary: NodeSummary = {
      id: this.node,
      index: 0,
      name: this.name,
      up: true,
      height: rs.height,
      round: rs.round,
      step: walStepName(rs.step),
      committed: last >= 0 ? this.committed[last] : 0,
      lockedRound: rs.lockedRound,
      lockedBlock: view.ownVotes.find((v) => v.type === 'precommit' && v.round === rs.lockedRound && v.blockId.hash === rs.lockedBlock)?.blockId ?? null,
      proposer: null,
      faults: [],
      // a node with votes of its own at this height is a validator: power 1 by the convention above
      votingPower: view.ownVotes.length ? '1' : '0',
    };
    // the views name the column of this address after the node, and learn no other address for it
    if (this.address) summary.address = this.address;
    return summary;
  }

  /** Everything the views draw at the replay's position: one node, no peers, no network. */
  frame(): Frame {
    const view = this.view();
    const applied = view.applied;
    return {
      origin: this.origin,
      t: applied > 0 ? this.times[applied - 1] - this.origin : 0,
      steps: applied,
      nodes: [this.summary(view)],
      selected: this.node,
      roundState: view.roundState,
      peers: [],
      partition: null,
      links: null,
      inFlight: [],
      faults: [],
      checks: [],
      logHash: '',
    };
  }
}

const lower = (hex: string) => hex.toLowerCase();

/** A block hash (upper-case hex as the replay keeps it, '' = nil) as a BlockID, with its part-set header if seen. */
function blockIdOf(s: Pick<ReplayState, 'partSetHeaders'>): (block: string) => BlockIdHex {
  const psh = new Map(s.partSetHeaders.map((p) => [p.block, p]));
  return (block) => {
    if (block === '') return NIL;
    const p = psh.get(block);
    return { hash: lower(block), partSetHeader: p ? { total: p.total, hash: lower(p.hash) } : { total: 0, hash: '' } };
  };
}

const proposalBlockId = (p: ReplayState['proposals'][number]): BlockIdHex => ({ hash: lower(p.blockHash), partSetHeader: { total: p.partsTotal, hash: lower(p.partsHash) } });

const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** A genesis validator as the projection uses it: lower-case hex address, name and power. */
export interface GenesisValidatorView {
  address: string;
  name: string;
  power: bigint;
}

/** `powers`: one per column (the genesis' or 1 each, see the top); a validator counts once in the sum. */
function voteSetOf(set: ReplayVoteSet | undefined, round: number, type: number, powers: readonly bigint[], blockId: (block: string) => BlockIdHex): VoteSetSnapshot {
  const size = powers.length;
  const bits = (xs: number[]): Bits => ({ size, indices: sorted(xs) });
  const powerOf = (xs: Iterable<number>) => [...xs].reduce((a, i) => a + (powers[i] ?? 1n), 0n);
  const total = powerOf(powers.keys());
  const twoThirds = (p: bigint) => total > 0n && 3n * p > 2n * total;
  const tallies = (set?.byBlock ?? []).map((b) => ({ blockId: blockId(b.block), power: powerOf(b.voters), bitArray: bits(b.voters) }));
  const sum = powerOf(new Set(set?.voters ?? []));
  const maj = tallies.find((t) => twoThirds(t.power));
  return {
    round,
    type,
    bitArray: bits(set?.voters ?? []),
    tallies: tallies.map((t) => ({ ...t, power: String(t.power) })),
    twoThirdsMajority: maj ? maj.blockId : null,
    hasTwoThirdsAny: twoThirds(sum),
    sum: String(sum),
  };
}

/** The genesis' powers, while this height's votes agree with its set (see the top); else null. */
function genesisPowers(genesis: readonly GenesisValidatorView[], addresses: Map<number, string>, size: number): bigint[] | null {
  if (genesis.length === 0 || size > genesis.length) return null;
  for (const [i, address] of addresses) if (genesis[i]?.address !== address) return null;
  return genesis.map((g) => g.power);
}

const addressMap = (s: Pick<ReplayState, 'addresses'>) => new Map(s.addresses.map((a) => [a.index, lower(a.address)]));

/** One power per bit-array column of a height (see the top): the genesis' or 1 each. */
function columnPowers(genesis: readonly GenesisValidatorView[], s: Pick<ReplayState, 'addresses' | 'bitArraySize'>): bigint[] {
  const size = Math.max(s.bitArraySize, genesis.length);
  return genesisPowers(genesis, addressMap(s), size) ?? Array.from({ length: size }, () => 1n);
}

/** The last commit as a precommit VoteSet, drawn as its own height drew its votes. */
function lastCommitOf(s: ReplayState, genesis: readonly GenesisValidatorView[]): VoteSetSnapshot | null {
  const lc = s.lastCommit;
  if (!lc) return null;
  const blockId = blockIdOf({ partSetHeaders: lc.partSetHeaders });
  return voteSetOf(lc.precommits, lc.round, SignedMsgType.Precommit, columnPowers(genesis, lc), blockId);
}

function roundStateOf(s: ReplayState, genesis: readonly GenesisValidatorView[], blockId: (block: string) => BlockIdHex, startTime: number, proposer: string): RoundStateView {
  const size = Math.max(s.bitArraySize, genesis.length);
  const addresses = addressMap(s);
  const powers = columnPowers(genesis, s);
  const valid = validBlockOf(s, () => powers);
  const rounds = sorted([...s.votes.map((v) => v.round), s.round]);
  const votes = rounds.map((round) => ({
    round,
    prevotes: voteSetOf(s.votes.find((v) => v.round === round && v.type === SignedMsgType.Prevote), round, SignedMsgType.Prevote, powers, blockId),
    precommits: voteSetOf(s.votes.find((v) => v.round === round && v.type === SignedMsgType.Precommit), round, SignedMsgType.Precommit, powers, blockId),
  }));
  const p = s.proposals.find((x) => x.round === s.round) ?? null;
  let proposalBlockParts: Bits | null = null;
  let proposalBlock: string | null = null;
  if (p) {
    const total = Math.min(p.partsTotal, MAX_BLOCK_PARTS_COUNT);
    const have = (s.blockParts.find((b) => b.round === s.round)?.indices ?? []).filter((i) => i < total);
    proposalBlockParts = { size: total, indices: have };
    if (p.blockHash !== '' && total > 0 && have.length === total) proposalBlock = lower(p.blockHash);
  }
  // at the Commit step, the round whose precommits have +2/3 for a block (by the convention above), else the current round
  const committing = s.step === 'RoundStepCommit';
  const commitRound = committing ? ([...votes].reverse().find((v) => v.precommits.twoThirdsMajority && v.precommits.twoThirdsMajority.hash !== '')?.round ?? s.round) : -1;
  return {
    height: s.height,
    round: s.round,
    step: walStepName(s.step),
    startTime,
    commitTime: null,
    proposer,
    validators: Array.from({ length: size }, (_, i) => {
      const address = addresses.get(i) ?? genesis[i]?.address ?? '';
      const name = genesis.find((g) => g.address === address)?.name;
      const votingPower = String(powers[i]);
      return name ? { address, votingPower, proposerPriority: '0', name } : { address, votingPower, proposerPriority: '0' };
    }),
    proposal: p && { round: p.round, polRound: p.polRound, blockId: proposalBlockId(p) },
    proposalBlock,
    proposalBlockParts,
    lockedRound: s.locked ? s.locked.round : -1,
    lockedBlock: s.locked ? lower(s.locked.block) : null,
    validRound: valid ? valid.round : -1,
    validBlock: valid ? lower(valid.block) : null,
    commitRound,
    votes,
    lastCommit: lastCommitOf(s, genesis),
    triggeredTimeoutPrecommit: false,
  };
}
