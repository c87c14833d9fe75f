// A classroom session: one Scenario run step by step for the views, with seek (deterministic
// replay from the start) and actions that fork the history. It turns the simulator's state into
// the observation model (src/observe) through its projector. The browser worker's driver is a
// thin loop around it; tests drive it directly.
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { Frame, MessageView, NodeId, ObsEvent } from '../observe/model.js';
import { projectEvent, projectNode, projectPeers, projectRoundState } from '../observe/project.js';
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

/** Enough arrows to see the gossip, few enough to draw 100 validators' traffic every frame. */
const MAX_IN_FLIGHT = 400;

export class ClassroomSession {
  sim!: Simulation;
  scenario!: Scenario;
  /** index of the node whose RoundState and peers the frame shows */
  selected = 0;
  private start = 0;
  private seq = 0;
  private pending: ObsEvent[] = [];
  private inFlight: MessageView[] = [];

  async load(scenario: Scenario): Promise<void> {
    this.scenario = { ...scenario, faults: [...scenario.faults] };
    this.sim = new Simulation(simOptionsOf(this.scenario));
    this.start = this.sim.clock.now();
    this.seq = 0;
    this.reached = 0;
    this.pending = [];
    this.inFlight = [];
    this.selected = Math.min(this.selected, scenario.validators - 1);
    this.sim.onEvent((rec) => {
      this.seq++;
      this.pending.push(projectEvent(rec.node, rec.event));
    });
    this.sim.network.onSend = (from, to, kind, deliverAt) => {
      if (deliverAt === null) return; // dropped
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
   * Advances virtual time to `t` (ms since start), stopping early after `budgetMs` of wall time;
   * returns whether `t` was reached. Time between events passes too (`now` moves to `t`).
   */
  async advanceTo(t: number, budgetMs = Infinity, wallNow: () => number = () => 0): Promise<boolean> {
    const deadline = wallNow() + budgetMs;
    for (;;) {
      const next = this.sim.nextEventTime();
      if (next === null || next - this.start > t) break;
      await this.sim.advance();
      if (wallNow() > deadline) return false;
    }
    this.reached = Math.max(this.reached, t);
    return true;
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
    const spec = { ...fault, at: { step: steps } } as FaultSpec;
    this.scenario.faults = this.scenario.faults.filter((f) => !f.at || !(('step' in f.at && f.at.step > steps) || ('time' in f.at && f.at.time > now)));
    this.scenario.faults.push(spec);
    this.sim.faults.add(spec);
    await this.sim.faults.poll();
    await this.sim.settle();
  }

  frame(): Frame {
    const sim = this.sim;
    const idOfAddress = (address: Uint8Array) => sim.nodes.find((n) => bytesEqual(n.address, address))?.name ?? null;
    const nodes = sim.nodes.map((sn) =>
      projectNode(sn.node, { id: sn.name, index: sn.index, name: sn.name, address: sn.address, committed: sim.committedHeight(sn.index), faults: sim.faults.activeOn(sn.index), idOfAddress }),
    );
    const sel = sim.nodes[this.selected];
    const indexOf = new Map(sim.nodes.map((n) => [n.name, n.index]));
    const now = this.now;
    this.inFlight = this.inFlight.filter((m) => m.arrive > now).slice(-MAX_IN_FLIGHT);
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
      inFlight: [...this.inFlight],
      faults: sim.faults.intervals().map((f) => ({ ...f, nodes: f.nodes.map((i) => sim.nodes[i].name) })),
      checks: Object.entries(checks).map(([name, c]) => ({ name, ok: c.ok, details: [...c.details] })),
      logHash: sim.eventLogHash(),
    };
  }
}
