// A classroom session: one Scenario run step by step for the views, with seek (deterministic
// replay from the start) and actions that fork the history. It turns the simulator's state into
// the plain data of core/view.ts. The browser worker is a thin loop around it; tests drive it
// directly.
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { FrameView, MessageView, NodeView, PeerView, ViewEvent } from '../core/view.js';
import { bytesEqual } from '../core/bytes.js';
import { blockIdShort } from '../core/blockid.js';
import { roundStepName } from '../core/types.js';
import type { SimEventRecord, SimOptions } from './simulation.js';
import { Simulation, describeEvent } from './simulation.js';
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

function blockOf(rec: SimEventRecord): string | undefined {
  const e = rec.event;
  switch (e.type) {
    case 'Vote':
      return blockIdShort(e.vote.blockId);
    case 'NewBlock':
    case 'Polka':
    case 'Lock':
    case 'Relock':
    case 'CompleteProposal':
    case 'ValidBlock':
      return blockIdShort(e.blockId);
    case 'ProposalAccepted':
      return blockIdShort(e.proposal.blockId);
    default:
      return undefined;
  }
}

/** Enough arrows to see the gossip, few enough to draw 100 validators' traffic every frame. */
const MAX_IN_FLIGHT = 400;

export class ClassroomSession {
  sim!: Simulation;
  scenario!: Scenario;
  selected = 0;
  private start = 0;
  private seq = 0;
  private pending: ViewEvent[] = [];
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
    this.sim.onEvent((rec) => this.pending.push(this.viewEvent(rec)));
    this.sim.network.onSend = (from, to, kind, deliverAt) => {
      if (deliverAt === null) return; // dropped
      const sent = this.sim.clock.now() - this.start;
      this.inFlight.push({ from: Number(from.slice(1)), to: Number(to.slice(1)), kind, sent, arrive: deliverAt - this.start });
      if (this.inFlight.length > 4 * MAX_IN_FLIGHT) this.inFlight = this.inFlight.slice(-MAX_IN_FLIGHT);
    };
    await this.sim.init();
  }

  private viewEvent(rec: SimEventRecord): ViewEvent {
    const e = rec.event;
    return {
      seq: this.seq++,
      node: Number(rec.node.slice(1)),
      t: e.at - this.start,
      height: e.height,
      round: e.round,
      step: roundStepName(e.step),
      type: e.type,
      text: describeEvent(rec),
      block: blockOf(rec),
    };
  }

  /** Events produced since the last call. */
  drain(): ViewEvent[] {
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
  async seek(t: number): Promise<ViewEvent[]> {
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

  frame(): FrameView {
    const sim = this.sim;
    const nodes: NodeView[] = sim.nodes.map((sn) => {
      const rs = sn.node?.getRoundStateSimple();
      const proposer = rs?.proposer;
      const power = rs?.votingPower ?? 0n;
      return {
        index: sn.index,
        name: sn.name,
        up: !!sn.node,
        height: rs?.height ?? sim.committedHeight(sn.index) + 1,
        round: rs?.round ?? 0,
        step: rs ? roundStepName(rs.step) : 'down',
        committed: sim.committedHeight(sn.index),
        lockedRound: rs?.lockedRound ?? -1,
        lockedBlock: rs?.lockedBlockId ? blockIdShort(rs.lockedBlockId) : null,
        proposer: proposer ? sim.nodes.findIndex((n) => bytesEqual(n.address, proposer)) : -1,
        faults: sim.faults.activeOn(sn.index),
        votingPower: power.toString(),
      };
    });
    const sel = sim.nodes[this.selected];
    const peers: PeerView[] = [];
    for (const [id, ps] of sel.reactor?.peerStates() ?? []) {
      const p = ps.prs;
      peers.push({
        peer: Number(id.slice(1)),
        height: p.height,
        round: p.round,
        step: p.step ? roundStepName(p.step) : '-',
        proposal: p.proposal,
        proposalBlockParts: p.proposalBlockParts?.toString() ?? null,
        prevotes: p.prevotes?.toString() ?? null,
        precommits: p.precommits?.toString() ?? null,
        lastCommit: p.lastCommit?.toString() ?? null,
        catchupCommit: p.catchupCommit?.toString() ?? null,
      });
    }
    peers.sort((a, b) => a.peer - b.peer);
    const now = this.now;
    this.inFlight = this.inFlight.filter((m) => m.arrive > now).slice(-MAX_IN_FLIGHT);
    // the checks that hold at every moment (validity and liveness judge finished runs)
    const checks = { agreement: checkAgreement(sim), noDoubleSign: checkNoDoubleSign(sim) };
    return {
      t: this.now,
      steps: sim.steps,
      nodes,
      selected: this.selected,
      roundState: sel.node ? sel.node.getRoundState() : null,
      peers,
      partition: sim.network.partitionGroups?.map((g) => g.map((n) => Number(n.slice(1)))) ?? null,
      inFlight: this.inFlight,
      faults: sim.faults.intervals(),
      checks: Object.entries(checks).map(([name, c]) => ({ name, ok: c.ok, details: c.details })),
      logHash: sim.eventLogHash(),
    };
  }
}
