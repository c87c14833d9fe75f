// Why a height did not commit, from one node's WAL (issue 14's diagnosis panel): for the height
// where the node stopped or looped, per round — did the proposal and all its parts arrive, and
// when against timeout_propose; who prevoted and precommitted a block, nil or nothing, with the
// power behind each; whether +2/3 formed for anything; the node's own votes and lock — ending in
// one plain sentence naming the most likely cause. Plain data (JSON-safe) for the views and tests.
//
// Powers: from the validators given (a genesis), by address; otherwise every voter counts 1 and
// the set's size is what the votes show (the highest index seen + 1) — the sentence says so.
import { SignedMsgType, RoundStepType } from '../core/types.js';
import { toHex } from '../core/bytes.js';
import type { WalFile } from '../core/wal/inspect.js';
import { recordTimes } from '../core/wal/inspect.js';
import type { WalCorruption } from '../core/wal/framing.js';

export interface VoteTally {
  /** validator indices that voted for each block (hash hex) */
  blocks: Record<string, number[]>;
  nil: number[];
  /** indices of the known set that sent nothing */
  absent: number[];
  /** power behind each: blocks by hash, nil, absent (decimal strings: int64) */
  power: { blocks: Record<string, string>; nil: string; absent: string };
  /** what +2/3 of the power formed for: a block hash, 'nil', 'any' (+2/3 voted, split), or null */
  twoThirds: string | null;
}

export interface RoundDiagnosis {
  round: number;
  /** ms since the first record of the height */
  start: number;
  proposal: {
    /** the proposal's block hash; null when none arrived */
    block: string | null;
    /** it was the node's own proposal */
    own: boolean;
    /** ms after the round started that it arrived, and that its last part did (null: never) */
    at: number | null;
    completeAt: number | null;
    parts: { got: number; total: number };
  };
  /** timeout_propose in force this round (ms), when the WAL recorded one */
  timeoutPropose: number | null;
  prevotes: VoteTally;
  precommits: VoteTally;
  /** the node's own votes: a block hash, 'nil', or null (none recorded) */
  own: { prevote: string | null; precommit: string | null };
  /** the block the node's own precommits lock it on (the latest non-nil one so far), or null */
  locked: string | null;
}

export type Cause = 'no-records' | 'committed' | 'not-begun' | 'no-proposal' | 'incomplete-proposals' | 'rejected-proposals' | 'offline' | 'split' | 'unknown';

export interface Diagnosis {
  height: number;
  committed: boolean;
  rounds: RoundDiagnosis[];
  /** validators counted: the given set's size, or what the votes show */
  validators: number;
  validatorsKnown: boolean;
  /** indices that voted at all at this height */
  voters: number[];
  cause: Cause;
  sentence: string;
}

export interface KnownValidator {
  /** hex address, any case */
  address: string;
  power: bigint;
}

interface RoundAcc {
  round: number;
  start: number;
  proposal: { block: string; own: boolean; at: number; total: number } | null;
  parts: Map<number, number>;
  timeoutPropose: number | null;
  votes: Map<number, Map<number, string>>; // type → index → hash|'nil'
  own: { prevote: string | null; precommit: string | null };
}

/** The height to diagnose: the last one the WAL reaches without its EndHeight, else the last ended. */
function heightOf(file: WalFile): { height: number; committed: boolean } {
  let top = 0;
  const ended = new Set<number>();
  for (const { record: r } of file.entries) {
    if (r.type === 'endHeight') ended.add(r.height);
    const h = r.type === 'roundState' ? r.event.height : r.type === 'timeout' ? r.timeout.height : r.type === 'msgInfo' ? msgHeight(r.msg) : r.height;
    top = Math.max(top, h);
  }
  return { height: top, committed: ended.has(top) };
}

function msgHeight(m: Extract<WalFile['entries'][number]['record'], { type: 'msgInfo' }>['msg']): number {
  return m.kind === 'Vote' ? m.vote.height : m.kind === 'Proposal' ? m.proposal.height : m.height;
}

export function diagnose(file: WalFile, known: KnownValidator[] | null = null): Diagnosis {
  if (file.entries.length === 0) {
    const why = file.corruption ? `it is damaged at its first byte (${file.corruption.reason})` : 'the file is empty';
    return { height: 0, committed: false, rounds: [], validators: 0, validatorsKnown: false, voters: [], cause: 'no-records', sentence: `Not one record could be read: ${why}. Nothing to diagnose.` };
  }
  const { height, committed } = heightOf(file);
  const rounds = new Map<number, RoundAcc>();
  let t0: number | null = null;
  const times = recordTimes(file.entries);
  /** ms from the height's first record to its last */
  let ends = 0;
  /** the node went past NewHeight (a step from Propose on, a later round, its own message, a
   * timeout from Propose on); `steps`: the WAL records its steps at all (a v0.10 file may not) */
  let begun = false;
  let steps = false;
  const round = (r: number, at: number): RoundAcc => {
    let acc = rounds.get(r);
    if (!acc) rounds.set(r, (acc = { round: r, start: at, proposal: null, parts: new Map(), timeoutPropose: null, votes: new Map([[1, new Map()], [2, new Map()]]), own: { prevote: null, precommit: null } }));
    return acc;
  };
  const powerOf = new Map((known ?? []).map((v) => [v.address.toUpperCase(), v.power]));
  let maxIndex = -1;
  for (let i = 0; i < file.entries.length; i++) {
    const r = file.entries[i].record;
    const time = times[i];
    if (r.type === 'roundState' && r.event.height === height) {
      t0 ??= time;
      ends = time - t0;
      steps = true;
      if (r.event.round > 0 || (r.event.step !== 'RoundStepNewHeight' && r.event.step !== 'RoundStepNewRound')) begun = true;
      round(r.event.round, time - t0);
    } else if (r.type === 'timeout' && r.timeout.height === height) {
      t0 ??= time;
      ends = time - t0;
      if (r.timeout.round > 0 || r.timeout.step >= RoundStepType.Propose) begun = true;
      if (r.timeout.step === RoundStepType.Propose && r.timeout.duration > 0) round(r.timeout.round, time - t0).timeoutPropose = r.timeout.duration;
    } else if (r.type === 'msgInfo' && msgHeight(r.msg) === height) {
      t0 ??= time;
      ends = time - t0;
      const m = r.msg;
      const own = r.peerId === '';
      if (own) begun = true;
      if (m.kind === 'Proposal') {
        const acc = round(m.proposal.round, time - t0);
        acc.proposal ??= { block: toHex(m.proposal.blockId.hash), own, at: time - t0 - acc.start, total: m.proposal.blockId.partSetHeader.total };
      } else if (m.kind === 'BlockPart') {
        const acc = round(m.round, time - t0);
        if (!acc.parts.has(m.part.index)) acc.parts.set(m.part.index, time - t0 - acc.start);
      } else {
        const v = m.vote;
        if (v.type !== SignedMsgType.Prevote && v.type !== SignedMsgType.Precommit) continue;
        const acc = round(v.round, time - t0);
        const what = v.blockId.hash.length ? toHex(v.blockId.hash) : 'nil';
        if (!acc.votes.get(v.type)!.has(v.validatorIndex)) acc.votes.get(v.type)!.set(v.validatorIndex, what);
        maxIndex = Math.max(maxIndex, v.validatorIndex);
        if (!powerOf.has(`#${v.validatorIndex}`)) powerOf.set(`#${v.validatorIndex}`, powerOf.get(toHex(v.validatorAddress).toUpperCase()) ?? (known ? 0n : 1n));
        if (own) acc.own[v.type === SignedMsgType.Prevote ? 'prevote' : 'precommit'] = what;
      }
    }
  }
  // a genesis whose set is not the one voting (a chain whose app set the validators) says nothing
  const validatorsKnown = known !== null && known.length > 0 && [...powerOf.keys()].filter((k) => k.startsWith('#')).every((k) => powerOf.get(k)! > 0n);
  if (!validatorsKnown) for (const k of powerOf.keys()) if (k.startsWith('#')) powerOf.set(k, 1n);
  const n = validatorsKnown ? Math.max(known!.length, maxIndex + 1) : maxIndex + 1;
  const power = (i: number) => powerOf.get(`#${i}`) ?? (validatorsKnown ? (known![i]?.power ?? 0n) : 1n);
  const total = Array.from({ length: n }, (_, i) => power(i)).reduce((a, b) => a + b, 0n);
  const voters = new Set<number>();

  const tally = (votes: Map<number, string>): VoteTally => {
    const blocks: Record<string, number[]> = {};
    const nil: number[] = [];
    for (const [i, what] of [...votes].sort((a, b) => a[0] - b[0])) {
      voters.add(i);
      if (what === 'nil') nil.push(i);
      else (blocks[what] ??= []).push(i);
    }
    const absent = Array.from({ length: n }, (_, i) => i).filter((i) => !votes.has(i));
    const sum = (ix: number[]) => ix.reduce((a, i) => a + power(i), 0n);
    const twoThirdsOf = (p: bigint) => total > 0n && p * 3n > total * 2n;
    let twoThirds: string | null = null;
    for (const [hash, ix] of Object.entries(blocks)) if (twoThirdsOf(sum(ix))) twoThirds = hash;
    if (!twoThirds && twoThirdsOf(sum(nil))) twoThirds = 'nil';
    if (!twoThirds && twoThirdsOf(sum([...votes.keys()]))) twoThirds = 'any';
    return {
      blocks,
      nil,
      absent,
      power: { blocks: Object.fromEntries(Object.entries(blocks).map(([h, ix]) => [h, String(sum(ix))])), nil: String(sum(nil)), absent: String(sum(absent)) },
      twoThirds,
    };
  };

  let locked: string | null = null;
  const out: RoundDiagnosis[] = [...rounds.values()]
    .sort((a, b) => a.round - b.round)
    .map((acc) => {
      const got = acc.proposal ? [...acc.parts.keys()].filter((i) => i < acc.proposal!.total).length : acc.parts.size;
      const total = acc.proposal?.total ?? 0;
      const completeAt = acc.proposal && total > 0 && got === total ? Math.max(...[...acc.parts].filter(([i]) => i < total).map(([, at]) => at)) : null;
      if (acc.own.precommit && acc.own.precommit !== 'nil') locked = acc.own.precommit;
      return {
        round: acc.round,
        start: acc.start,
        proposal: { block: acc.proposal?.block ?? null, own: acc.proposal?.own ?? false, at: acc.proposal?.at ?? null, completeAt, parts: { got, total } },
        timeoutPropose: acc.timeoutPropose,
        prevotes: tally(acc.votes.get(SignedMsgType.Prevote)!),
        precommits: tally(acc.votes.get(SignedMsgType.Precommit)!),
        own: acc.own,
        locked,
      };
    });
  const where = { begun: begun || !steps, ends };
  const { cause, sentence } = explain(height, committed, out, n, validatorsKnown, voters.size, file.corruption, where);
  return { height, committed, rounds: out, validators: n, validatorsKnown, voters: [...voters].sort((a, b) => a - b), cause, sentence };
}

/**
 * The cause, in a sentence. A damaged file's readable part ends inside its last height: the height
 * may have gone on, and committed, in what could not be read, so the sentence says "up to there"
 * rather than "never". A file saved from a running node ends inside the height it was working on:
 * still in NewHeight, it is "only begun"; in its first round, it "had not committed" (it may have
 * been in progress); "never committed" is for a height that went through rounds.
 */
function explain(
  height: number,
  committed: boolean,
  rounds: RoundDiagnosis[],
  n: number,
  known: boolean,
  voters: number,
  cut: WalCorruption | null,
  where: { begun: boolean; ends: number },
): { cause: Cause; sentence: string } {
  const span = rounds.length ? `rounds ${rounds[0].round}–${rounds[rounds.length - 1].round}` : 'no round';
  if (committed) return { cause: 'committed', sentence: `Height ${height} committed (${span} recorded).` };
  if (!cut && !where.begun) {
    const before = height > 1 ? ` after height ${height - 1} committed` : '';
    return { cause: 'not-begun', sentence: `Height ${height} had only begun where the WAL ends: the node was still in NewHeight (waiting out timeout_commit${before}), ${Math.round(where.ends)} ms in; nothing of it to diagnose yet.` };
  }
  const inRounds = `${rounds.length} round${rounds.length === 1 ? '' : 's'} (${span})`;
  const firstRound = rounds.length === 1 && rounds[0].round === 0;
  const head = cut
    ? `The readable part ends inside height ${height} (the file is damaged at record #${cut.index}, byte ${cut.offset}), which may have committed in what could not be read; up to there, in ${inRounds}`
    : firstRound
      ? `Height ${height} had not committed where the WAL ends, ${Math.round(where.ends)} ms into its first round (it may have been in progress when the file was saved); so far`
      : `Height ${height} never committed in ${inRounds}`;
  if (rounds.length === 0) return { cause: 'unknown', sentence: `${head}: the WAL records nothing of it.` };
  const proposed = rounds.filter((r) => r.proposal.block !== null);
  const complete = proposed.filter((r) => r.proposal.completeAt !== null);
  const set = known ? `${n} validators` : `the ${n} validator${n === 1 ? '' : 's'} the votes show (no genesis given)`;
  if (proposed.length === 0) {
    // without a round change or timeout_propose expiring, the proposal may simply not be here yet
    const waited = rounds.length > 1 || rounds.some((r) => r.timeoutPropose !== null);
    return { cause: 'no-proposal', sentence: waited ? `${head}: no proposal ever arrived — the proposers were offline or could not reach this node.` : `${head}: no proposal had arrived yet, and timeout_propose had not expired.` };
  }
  if (complete.length === 0) return { cause: 'incomplete-proposals', sentence: `${head}: proposals arrived but never all their block parts, so no block could be voted for.` };
  const rejected = complete.filter((r) => r.own.prevote === 'nil');
  if (rejected.length === complete.length && rejected.length > 0) {
    const own = rejected.every((r) => r.proposal.own) ? ' its own' : '';
    return {
      cause: 'rejected-proposals',
      sentence: `${head}: in every round the node had${own} complete proposal and still prevoted nil — it judged the blocks invalid (block validation or the application's ProcessProposal refused them), so nil won every round.`,
    };
  }
  const anyMajority = rounds.some((r) => r.prevotes.twoThirds !== null || r.precommits.twoThirds !== null);
  if (!anyMajority && voters * 3 <= n * 2) {
    const ever = firstRound && !cut ? 'had voted' : 'ever voted';
    return { cause: 'offline', sentence: `${head}: only ${voters} of ${set} ${ever} — the others were offline or partitioned away, and without more than two thirds nothing can be decided.` };
  }
  const split = rounds.filter((r) => r.prevotes.twoThirds === 'any' || r.precommits.twoThirds === 'any');
  if (split.length > 0) return { cause: 'split', sentence: `${head}: the votes were split between blocks and nil, and no block got more than two thirds.` };
  return { cause: 'unknown', sentence: `${head}: no single cause stands out; read the rounds below.` };
}
