// A classroom session: one Scenario run step by step for the views, with actions that fork the
// history. It turns the simulator's state into the observation model (src/observe) through its
// projector, with each node's running timeout (observe/timers.ts) from its steps. Going back in
// time is ClassroomRun's job (below): the engine's state cannot be copied, so a run is re-created
// from its scenario, which gives the same history, and kept at restart points along the way.
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { Vote } from '../core/types.js';
import type { MessageView, NodeId, ObsEvent } from '../observe/model.js';
import type { ClassroomFrame, NextKind } from '../observe/classroom.js';
import { projectEvent, projectNode, projectPeers, projectRoundState, stepName } from '../observe/project.js';
import { StepClock } from '../observe/timers.js';
import { bytesEqual } from '../core/bytes.js';
import type { SimOptions } from './simulation.js';
import { Simulation } from './simulation.js';
import { checkAgreement, checkNoDoubleSign } from './checkers.js';
import { parseTopology } from './topology.js';

export function simOptionsOf(s: Scenario): SimOptions {
  return {
    validators: s.validators,
    powers: s.powers,
    seed: s.seed,
    heights: Infinity,
    maxTime: Infinity,
    config: { ...s.timeouts },
    link: s.delay ? { delayMin: s.delay[0], delayMax: s.delay[1] } : undefined,
    transport: !s.topology || s.topology === 'direct' ? (s.topology === 'direct' ? 'direct' : undefined) : parseTopology(s.topology),
    txsPerHeight: s.txsPerHeight,
    faults: s.faults,
    keepEvents: false,
  };
}

/**
 * Above this many validators a vote's Vote event is kept once, on the node that saw it first: its
 * signer, or for an equivocator's other vote the first peer it reached. Every node adding every
 * vote is 2·N² events a height (20,000 at 100 validators: 95% of the history, and about 5 MB a
 * simulated second in the worker and again in the page), and no view shows them: the grid reads
 * the RoundState, and names, evidence and captions need each vote once. A lesson keeps them all.
 */
const EVERY_VOTE_UP_TO = 16;

/** The votes seen so far, by what they say (validator, height, round, type, block): a few KB a height. */
class FirstSightings {
  private readonly seen = new Map<number | string, Uint8Array[]>();

  /** Whether no node saw this vote before. */
  first(v: Vote): boolean {
    const fits = (v.height & 0xffffff) === v.height && (v.round & 0x3ff) === v.round && (v.validatorIndex & 0xffff) === v.validatorIndex;
    const key = fits ? ((v.height * 1024 + v.round) * 4 + v.type) * 65536 + v.validatorIndex : `${v.height}/${v.round}/${v.type}/${v.validatorIndex}`;
    const blocks = this.seen.get(key);
    if (blocks?.some((b) => bytesEqual(b, v.blockId.hash))) return false;
    if (blocks) blocks.push(v.blockId.hash);
    else this.seen.set(key, [v.blockId.hash]);
    return true;
  }
}

/** Enough arrows to see the gossip, few enough to draw 100 validators' traffic every frame. */
const MAX_IN_FLIGHT = 400;
/** The messages that make consensus move (the rest is gossip bookkeeping: steps, HasVote…). */
const CONSENSUS_KINDS = new Set(['Proposal', 'BlockPart', 'Vote']);

const NEXT: Record<NextKind, ReadonlySet<string>> = {
  polka: new Set(['Polka']),
  lock: new Set(['Lock', 'Relock']),
  timeout: new Set(['TimeoutPropose', 'TimeoutWait']),
  commit: new Set(['NewBlock']),
};

export class ClassroomSession {
  sim!: Simulation;
  scenario!: Scenario;
  /** index of the node whose RoundState and peers the frame shows */
  selected = 0;
  /**
   * Events before this index are counted, not projected: a run re-created to go back in time
   * already has them in the log (ClassroomRun), and projecting is a good part of its cost.
   */
  projectFrom = 0;
  private start = 0;
  private seq = 0;
  private pending: ObsEvent[] = [];
  private inFlight: MessageView[] = [];
  /** where each node is and since when: its running timeout */
  private marks: StepClock[] = [];
  /** consensus messages sent so far (a paced player slows down as soon as one goes out) */
  consensusSent = 0;
  /** How the validators sign (SimOptions.sign; default: signSync). */
  sign: SimOptions['sign'] = undefined;

  async load(scenario: Scenario): Promise<void> {
    this.scenario = { ...scenario, faults: [...scenario.faults] };
    this.sim = new Simulation({ ...simOptionsOf(this.scenario), sign: this.sign });
    this.start = this.sim.clock.now();
    this.seq = 0;
    this.reached = 0;
    this.pending = [];
    this.inFlight = [];
    this.consensusSent = 0;
    this.marks = this.sim.nodes.map(() => new StepClock());
    this.selected = Math.min(this.selected, scenario.validators - 1);
    const indexOf = new Map(this.sim.nodes.map((n) => [n.name, n.index]));
    const sightings = scenario.validators > EVERY_VOTE_UP_TO ? new FirstSightings() : null;
    this.sim.onEvent((rec) => {
      const e = rec.event;
      this.marks[indexOf.get(rec.node) ?? 0].see(e.height, e.round, stepName(e.step), e.at);
      if (sightings && e.type === 'Vote' && !sightings.first(e.vote)) return;
      if (this.seq++ >= this.projectFrom) this.pending.push(projectEvent(rec.node, e));
    });
    this.sim.network.onSend = (from, to, kind, deliverAt) => {
      if (deliverAt === null) return; // dropped
      if (CONSENSUS_KINDS.has(kind)) this.consensusSent++;
      const sent = this.sim.clock.now() - this.start;
      this.inFlight.push({ from, to, kind, sent, arrive: deliverAt - this.start });
      if (this.inFlight.length > 4 * MAX_IN_FLIGHT) this.inFlight = this.inFlight.slice(-MAX_IN_FLIGHT);
    };
    await this.sim.init();
  }

  /** Absolute virtual ms of the run's start (the frame's origin). */
  get origin(): number {
    return this.start;
  }

  /** Events the run has produced so far (the index of the next one in the run's history). */
  get produced(): number {
    return this.seq;
  }

  /** Shows this node (by id) in the frame; unknown ids are ignored. */
  select(id: NodeId): void {
    const i = this.sim.nodes.findIndex((n) => n.name === id);
    if (i >= 0) this.selected = i;
  }

  /** Events produced since the last call. */
  drain(): ObsEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  get now(): number {
    return Math.max(this.sim.clock.now() - this.start, this.reached);
  }

  /** Advances until at least one event happened (or nothing is left); "single step". */
  async step(): Promise<void> {
    const before = this.seq;
    while (this.seq === before && (await this.sim.advance()));
  }

  /**
   * Advances virtual time to `t` (ms since start), stopping early after `budgetMs` of wall time or
   * once `stop` says so; returns whether `t` was reached. Time between events passes too (`now`
   * moves to `t`).
   */
  async advanceTo(t: number, budgetMs = Infinity, wallNow: () => number = () => 0, stop?: () => boolean): Promise<boolean> {
    const deadline = wallNow() + budgetMs;
    for (let steps = 1; ; steps++) {
      const next = this.sim.nextEventTime();
      if (next === null || next - this.start > t) break;
      // a step that finished at once is not awaited: a microtask per step was 5% of a replay
      const stepped = this.sim.advance();
      if (typeof stepped !== 'boolean') await stepped;
      // the wall clock is asked every 32 steps: reading it cost 3–7% of a replay
      if (steps % 32 === 0 && (stop?.() || wallNow() > deadline)) return false;
    }
    this.reached = Math.max(this.reached, t);
    return true;
  }

  /**
   * Runs on to node `node`'s next event of `kind`, then to the end of that millisecond (what else
   * happens at that moment is shown with it). Null when none came by virtual time `limit`
   * or within `budgetMs` of wall time; the run then stays where the search stopped.
   */
  async advanceToNext(kind: NextKind, node: NodeId, limit: number, budgetMs = Infinity, wallNow: () => number = () => 0): Promise<ObsEvent | null> {
    const types = NEXT[kind];
    const deadline = wallNow() + budgetMs;
    let checked = this.pending.length;
    for (;;) {
      const next = this.sim.nextEventTime();
      if (next === null || next - this.start > limit || wallNow() > deadline) return null;
      await this.sim.advance();
      for (; checked < this.pending.length; checked++) {
        const e = this.pending[checked];
        if (e.node === node && types.has(e.type)) {
          await this.advanceTo(e.time - this.start);
          return e;
        }
      }
    }
  }

  /** Virtual time shown: the last event, or later if time passed without events. */
  private reached = 0;

  /** Replays from the start to `t`: the same scenario gives the same state, event for event. */
  async seek(t: number): Promise<ObsEvent[]> {
    await this.load(this.scenario);
    await this.advanceTo(t);
    return this.drain();
  }

  /**
   * A person's action, taking effect now. Faults scheduled after now belong to a future that this
   * action replaces, so they are dropped (the history forks here).
   */
  async act(fault: FaultSpec): Promise<void> {
    const steps = this.sim.steps;
    const now = this.now;
    // Between two steps the clock shown runs ahead of the simulator's, which stays at the last
    // step: an action there takes effect at the moment shown (after this step, at this time), not
    // back at the last step, where a heal at 3.9 s let blocks be committed at 2.1 s.
    const idle = this.sim.clock.now() - this.start < now;
    const spec = { ...fault, at: idle ? { step: steps, time: now } : { step: steps } } as FaultSpec;
    this.scenario.faults = this.scenario.faults.filter((f) => !f.at || !(('step' in f.at && f.at.step > steps) || ('time' in f.at && (f.at.time ?? 0) > now)));
    this.scenario.faults.push(spec);
    this.sim.faults.add(spec);
    await this.sim.faults.poll();
    await this.sim.settle();
    if (idle) await this.advanceTo(now); // the step at `now` that carries it out
  }

  /** Whether a proposal, a block part or a vote is on the wire now. */
  consensusOnTheWire(): boolean {
    const now = this.now;
    return this.inFlight.some((m) => m.arrive > now && CONSENSUS_KINDS.has(m.kind));
  }

  frame(): ClassroomFrame {
    const sim = this.sim;
    const idOfAddress = (address: Uint8Array) => sim.nodes.find((n) => bytesEqual(n.address, address))?.name ?? null;
    const at = this.start + this.now;
    const nodes = sim.nodes.map((sn) => {
      const n = projectNode(sn.node, { id: sn.name, index: sn.index, name: sn.name, address: sn.address, committed: sim.committedHeight(sn.index), faults: sim.faults.activeOn(sn.index), idOfAddress });
      return { ...n, timer: this.marks[sn.index].timer(n, sim.config, this.start, at) };
    });
    const sel = sim.nodes[this.selected];
    const indexOf = new Map(sim.nodes.map((n) => [n.name, n.index]));
    const now = this.now;
    const faults = sim.faults.intervals().map((f) => ({ ...f, nodes: f.nodes.map((i) => sim.nodes[i].name) }));
    this.inFlight = this.inFlight.filter((m) => m.arrive > now && !lostWith(m, faults)).slice(-MAX_IN_FLIGHT);
    // the checks that hold at every moment (validity and liveness judge finished runs)
    const checks = { agreement: checkAgreement(sim), noDoubleSign: checkNoDoubleSign(sim) };
    return {
      origin: this.start,
      t: now,
      steps: sim.steps,
      nodes,
      selected: sel.name,
      roundState: projectRoundState(sel.node),
      peers: projectPeers(sel.reactor, (id) => indexOf.get(id) ?? Infinity),
      partition: sim.network.partitionGroups?.map((g) => [...g]) ?? null,
      links: sim.gossiping ? sim.network.connections() : null,
      inFlight: [...this.inFlight],
      faults,
      checks: Object.entries(checks).map(([name, c]) => ({ name, ok: c.ok, details: [...c.details] })),
      logHash: sim.eventLogHash(),
    };
  }
}

/**
 * A message on a connection a dropped message broke (faults.ts, dropMessage): lost with everything
 * in flight on it either way, unless it arrives after the peers redialled.
 */
function lostWith(m: MessageView, faults: { kind: string; nodes: NodeId[]; from: number; to: number | null }[]): boolean {
  return faults.some(
    (f) => f.kind === 'dropMessage' && f.nodes.includes(m.from) && f.nodes.includes(m.to) && m.sent <= f.from && m.arrive > f.from && (f.to === null || m.arrive <= f.to),
  );
}

/** Restart point spacings to choose from (virtual ms): the largest one a seek replays quickly. */
const SPACINGS = [500, 1000, 2000, 4000, 8000, 10_000, 20_000];
/**
 * Wall ms a seek may spend replaying from its restart point: under the coarse target, then the
 * fine one, the nearest gaps first (nextPoint). A point costs a replay from the start (copies
 * cannot be made), so covering the next minute at the fine spacing takes seconds; at the coarse
 * one, a quarter of that, and a seek far ahead soon after opening is already quick.
 */
const COARSE_TARGET_MS = 160;
const SEEK_TARGET_MS = 50;
/** A fine gap is filled before a coarse one this many times farther off. */
const FINE_WEIGHT = 3;
/**
 * Before its speed is measured (nothing was played or sought yet), a run of this few validators
 * is assumed to cost what the 4-validator lessons do in Chromium (40 s in ~0.75 s), so points are
 * made from the moment it opens; a larger run waits to be measured (it may be too slow to keep any).
 */
const GUESS_VALIDATORS = 16;
const GUESS_COST = 0.02;
/** A long replay looks up this often (wall ms) to see whether a newer seek replaces it. */
const SEEK_SLICE_MS = 15;
/** Restart points are kept ready this far past the position (the next minute of a lesson)… */
const AHEAD_MS = 60_000;
/**
 * …within this much memory: a run takes about 1.1 KB (4 validators) to 1.7 KB (100) per WAL record
 * it holds (measured with the heap after GC, since duplicate votes no longer reach the WAL).
 */
const POINT_BUDGET = 96e6;
const BYTES_PER_RECORD = 1700;
/** A simulation slower than real time keeps no restart points of its own: each would cost more than it saves. */
const MAX_COST = 1;

export interface RunOptions {
  /** the wall clock, to measure how fast the simulation goes (ms) */
  wallNow?: () => number;
  /** restart point spacing in virtual ms (default: chosen from the measured speed) */
  spacing?: number;
  /** how every copy of the run signs (SimOptions.sign) */
  sign?: SimOptions['sign'];
}

/**
 * A run that can go anywhere in its history, quickly. Seeking ahead advances the live session;
 * seeking back takes the latest restart point before the moment and replays from there. Restart
 * points are sessions re-created from the scenario and advanced in the background (`work`), plus
 * each session a seek leaves behind. The history's events are kept once, in order (`log`): every
 * copy of the run produces the same ones, so a copy's position is an index into it.
 */
export class ClassroomRun {
  live = new ClassroomSession();
  private log: ObsEvent[] = [];
  private points: ClassroomSession[] = [];
  private builder: { session: ClassroomSession; target: number } | null = null;
  /** where the run was when a point just made did not fit the memory budget (none is made until it moves on) */
  private fullAt: number | null = null;
  /** wall ms per virtual ms, measured while advancing (NaN until measured) */
  private cost = NaN;
  private readonly spacing: number | null;
  private readonly wallNow: () => number;
  private readonly sign: SimOptions['sign'];

  constructor(opts: RunOptions = {}) {
    this.wallNow = opts.wallNow ?? (() => 0);
    this.spacing = opts.spacing ?? null;
    this.sign = opts.sign;
    this.live.sign = this.sign;
  }

  /** A new copy of the run, signing as the run does. */
  private session(): ClassroomSession {
    const s = new ClassroomSession();
    s.sign = this.sign;
    return s;
  }

  /** New history: the scenario from its start. Returns its first events. */
  async load(scenario: Scenario): Promise<ObsEvent[]> {
    const selected = this.live.selected;
    this.live = this.session();
    this.live.selected = selected;
    this.log = [];
    this.dropCopies();
    await this.live.load(scenario);
    return this.drain();
  }

  /** The live session's events since the last call (kept in the history too). */
  drain(): ObsEvent[] {
    return this.absorb(this.live);
  }

  /** Takes a session's new events; those past the end of the history extend it. */
  private absorb(s: ClassroomSession): ObsEvent[] {
    const events = s.drain();
    const first = s.produced - events.length;
    for (let k = this.log.length - first; k < events.length; k++) if (k >= 0) this.log.push(events[k]);
    return events;
  }

  /** The live session advanced to `t` (as ClassroomSession.advanceTo), its speed measured. */
  async advanceTo(t: number, budgetMs = Infinity, stop?: () => boolean): Promise<boolean> {
    return this.measured(this.live, () => this.live.advanceTo(t, budgetMs, this.wallNow, stop));
  }

  private async measured<T>(s: ClassroomSession, fn: () => Promise<T>): Promise<T> {
    const [w0, v0] = [this.wallNow(), s.now];
    const out = await fn();
    const [dw, dv] = [this.wallNow() - w0, s.now - v0];
    if (dv >= 100 && dw > 0) this.cost = Number.isNaN(this.cost) ? dw / dv : 0.7 * this.cost + 0.3 * (dw / dv);
    return out;
  }

  /**
   * Goes to `t`: ahead from the live session (`reset` false: the events since are new), or from
   * the latest copy at or before `t` (`reset` true: the events are the whole history to `t`).
   * Every `SEEK_SLICE_MS` of replay it asks `interrupt`; a yes stops it where it got to (a newer
   * seek is waiting: a dragged slider's positions on the way need not all be reached).
   */
  async seek(t: number, interrupt?: () => Promise<boolean>): Promise<{ reset: boolean; events: ObsEvent[] }> {
    const copies = [this.live, ...this.points, ...(this.builder ? [this.builder.session] : [])].filter((s) => s.now <= t);
    const base = copies.reduce<ClassroomSession | null>((best, s) => (!best || s.now > best.now ? s : best), null);
    if (base === this.live) {
      await this.replay(this.live, t, interrupt);
      return { reset: false, events: this.drain() };
    }
    let next = base;
    if (next) {
      this.points = this.points.filter((p) => p !== next);
      if (this.builder?.session === next) this.builder = null;
      this.absorb(next);
    } else {
      next = this.session();
      next.projectFrom = this.log.length;
      await next.load(this.live.scenario);
    }
    const old = this.live;
    this.absorb(old);
    next.selected = old.selected;
    next.projectFrom = Math.min(next.projectFrom, next.produced);
    this.live = next;
    this.points.push(old); // still this history: a restart point for the next seek
    await this.replay(next, t, interrupt);
    this.absorb(next);
    this.keepWithinBudget(null);
    return { reset: true, events: this.log.slice(0, next.produced) };
  }

  private async replay(s: ClassroomSession, t: number, interrupt?: () => Promise<boolean>): Promise<void> {
    while (!(await this.measured(s, () => s.advanceTo(t, interrupt ? SEEK_SLICE_MS : Infinity, this.wallNow)))) {
      if (await interrupt!()) return;
    }
  }

  /** The selected node's next event of a kind (see ClassroomSession.advanceToNext). */
  async advanceToNext(kind: NextKind, limit: number, budgetMs: number): Promise<ObsEvent | null> {
    const s = this.live;
    return this.measured(s, () => s.advanceToNext(kind, s.sim.nodes[s.selected].name, limit, budgetMs, this.wallNow));
  }

  /** A person's action: the history forks here, so every copy of the old future is dropped. */
  async act(fault: FaultSpec): Promise<ObsEvent[]> {
    const before = this.drain();
    this.log.length = this.live.produced;
    this.dropCopies();
    await this.live.act(fault);
    return before.concat(this.drain());
  }

  private dropCopies(): void {
    this.points = [];
    this.builder = null;
    this.fullAt = null;
  }

  /** Restart points kept, by virtual time (for tests and the views). */
  get pointTimes(): number[] {
    return this.points.map((p) => p.now).sort((a, b) => a - b);
  }

  /**
   * Background work for up to `budgetMs` of wall time: advances the restart point being made.
   * Returns false when there is nothing to do (every point is ready, or the run is too slow to
   * keep any).
   */
  async work(budgetMs: number): Promise<boolean> {
    const spacings = this.pointSpacings();
    if (spacings === null) {
      this.builder = null; // measured too slow since it began
      return false;
    }
    if (!this.builder) {
      const target = this.nextPoint(spacings);
      if (target === null) return false;
      const session = this.session();
      session.projectFrom = this.log.length;
      await session.load(this.live.scenario);
      this.builder = { session, target };
    }
    const { session, target } = this.builder;
    const done = await this.measured(session, () => session.advanceTo(target, budgetMs, this.wallNow));
    this.absorb(session);
    if (done) {
      this.builder = null;
      this.points.push(session);
      this.keepWithinBudget(null);
      // made bigger than estimated, and the least useful: the memory is full until the run moves
      if (!this.points.includes(session)) this.fullAt = this.live.now;
    }
    return true;
  }

  /**
   * From the speed measured so far (it improves as the JIT warms up); points made at another
   * spacing stay useful: a gap is judged by the copies there are, not by a grid.
   */
  private pointSpacings(): number[] | null {
    if (this.spacing !== null) return [this.spacing];
    const small = this.live.scenario.validators <= GUESS_VALIDATORS;
    const cost = Number.isNaN(this.cost) && small ? GUESS_COST : this.cost;
    if (!(cost <= MAX_COST)) return null;
    const within = (ms: number) => SPACINGS.filter((s) => s * cost <= ms).pop() ?? SPACINGS[0];
    return [within(COARSE_TARGET_MS), within(SEEK_TARGET_MS)];
  }

  /** A copy's memory (bytes, estimated from its WAL records). */
  private weight(s: ClassroomSession): number {
    return s.sim.nodes.reduce((n, x) => n + x.wal.records.length, 0) * BYTES_PER_RECORD;
  }

  /** The memory a copy at virtual time `t` will take, at the live run's rate. */
  private weightAt(t: number): number {
    return (this.weight(this.live) / Math.max(2000, this.live.now)) * t;
  }

  /**
   * How much a point at `t` is worth keeping (lower: more): the run's own past first, nearest
   * first (going back needs a point; going ahead can always start from the live session), then
   * the future, nearest first. A fine gap's distance counts `weight` times: it saves less than a
   * coarse one does.
   */
  private rank(t: number, weight = 1): number {
    const now = this.live.now;
    return t <= now ? (now - t) * weight : AHEAD_MS + (t - now) * weight;
  }

  /**
   * The next restart point to make: the most useful gap, coarse gaps before fine ones at the same
   * distance (a seek far off soon after opening is quick, a short one back soon after too), within
   * the memory budget.
   */
  private nextPoint(spacings: number[]): number | null {
    const now = this.live.now;
    if (this.fullAt !== null && Math.abs(now - this.fullAt) < Math.min(...spacings)) return null;
    const bases = [0, now, ...this.points.map((p) => p.now)];
    let best: { g: number; rank: number } | null = null;
    for (const [level, spacing] of spacings.entries()) {
      for (let g = spacing; g <= now + AHEAD_MS; g += spacing) {
        if (bases.some((b) => b <= g && b > g - spacing)) continue;
        const rank = this.rank(g, level === 0 ? 1 : FINE_WEIGHT);
        if (!best || rank < best.rank) best = { g, rank };
      }
    }
    if (!best) return null;
    return this.keepWithinBudget(best.g) ? best.g : null;
  }

  /** Drops the least useful points until `extra` (a point to make) fits; false if it does not. */
  private keepWithinBudget(extra: number | null): boolean {
    const far = (t: number) => this.rank(t);
    const need = extra === null ? 0 : this.weightAt(extra);
    for (;;) {
      const used = this.points.reduce((s, p) => s + this.weight(p), 0);
      if (used + need <= POINT_BUDGET) return true;
      const farthest = this.points.reduce<ClassroomSession | null>((f, p) => (!f || far(p.now) > far(f.now) ? p : f), null);
      // only trade a point for a more useful one
      if (!farthest || (extra !== null && far(farthest.now) <= far(extra))) return false;
      this.points = this.points.filter((p) => p !== farthest);
    }
  }
}
