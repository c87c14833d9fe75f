// Faults and Byzantine behaviours, each switchable at a height/round or a virtual time and
// optionally healed after a duration. Byzantine messages are signed with the validator's raw key,
// bypassing its PrivValidator, exactly as a malicious operator would.
import type { BlockID, Proposal, Vote } from '../core/types.js';
import { SignedMsgType } from '../core/types.js';
import type { StateMessage } from '../core/consensus/io.js';
import type { PartSet } from '../core/blocks/part-set.js';
import { isNilBlockId, nilBlockId } from '../core/blockid.js';
import { sha256 } from '../core/crypto/sha256.js';
import { signSync, verifySync } from '../core/crypto/ed25519.js';
import { proposalSignBytes, voteSignBytes } from '../core/encoding/sign-bytes.js';
import { makeBlock, makeBlockParts } from '../core/state/execution.js';
import { bytesEqual, concat, fromHex, toHex, utf8 } from '../core/bytes.js';
import type { FaultHost } from './sim-node.js';

export type { FaultSpec, Trigger } from '../core/scenario.js';
import type { FaultSpec, Trigger } from '../core/scenario.js';

/** A fault's span, for the classroom's timeline (projected to src/observe's FaultSpan). */
export interface FaultView {
  kind: string;
  /** node indices */
  nodes: number[];
  /** virtual ms since the start of the run; `to` null while in force */
  from: number;
  to: number | null;
}

/** How long peers whose connection broke take to redial (the network's own RECONNECT_MS). */
const REDIAL_MS = 500;

/** Faults that act on what a node sends. */
const OUTBOUND_KINDS = ['silence', 'dropProposals', 'equivocateProposal', 'equivocateVotes'] as const;

export const BYZANTINE_KINDS = new Set(['equivocateProposal', 'equivocateVotes', 'amnesia', 'nilPrecommit', 'dropProposals', 'proposeTxs']);

/** `down`: a node crashed by the fault and not restarted yet. */
type Phase = 'pending' | 'active' | 'down' | 'healed';

interface FaultState {
  spec: FaultSpec;
  phase: Phase;
  activatedAt: number;
  healedAt: number | null;
  /** a step-and-time trigger's step came: a timer wakes the run at its time */
  woken?: boolean;
}

export class FaultController {
  private readonly states: FaultState[];
  private readonly start: number;
  /** Virtual time the controller started (lastHealAt stays here while nothing has healed). */
  get startedAt(): number {
    return this.start;
  }
  private readonly actions: (() => Promise<void>)[] = [];
  /** Per (height, round): the block each half of the network was shown by an equivocating proposer. */
  private readonly shown = new Map<string, [BlockID, BlockID]>();
  private readonly altVotes = new Map<string, Vote>();
  private readonly altProposals = new Map<string, { proposal: Proposal; parts: PartSet }>();
  /** Time the last fault healed (or the start), for the liveness checker. */
  lastHealAt: number;
  /** Bumped whenever a fault starts or heals (the simulator's goal check keys on it). */
  version = 0;
  /** Each node's latest complete proposal, from its events (what amnesia prevotes for). */
  private readonly complete = new Map<string, { height: number; round: number; blockId: BlockID }>();
  /** Node index by name (outbound filters ask for every message). */
  private indexByName = new Map<string, number>();

  constructor(
    private readonly sim: FaultHost,
    specs: FaultSpec[],
  ) {
    this.states = specs.map((spec) => ({ spec, phase: 'pending', activatedAt: 0, healedAt: null }));
    // crash points count WAL writes from the very first one (made while a node starts): arm them now
    for (const st of this.states) {
      if (st.spec.kind === 'crashAtWalWrite' && !st.spec.at) {
        st.phase = 'active';
        this.activate(st);
      }
    }
    this.start = sim.clock.now();
    this.lastHealAt = this.start;
    for (const s of specs) if (BYZANTINE_KINDS.has(s.kind) && 'node' in s) sim.faulty.add(s.node);
    sim.onEvent(({ node, event: e }) => {
      if (e.type === 'CompleteProposal') this.complete.set(node, { height: e.height, round: e.round, blockId: e.blockId });
    });
    sim.network.filters.push({
      // asked for every message sent: with no fault active, answered without a lookup
      appliesTo: (from) => this.states.some((s) => s.phase === 'active') && OUTBOUND_KINDS.some((k) => this.isActive(k, this.indexOf(from))),
      apply: (from, to, msg) => this.filter(from, to, msg),
    });
  }

  get specs(): FaultSpec[] {
    return this.states.map((s) => s.spec);
  }

  /** A fault added while the run goes on (a person's action); it takes effect at the next poll. */
  add(spec: FaultSpec): void {
    this.states.push({ spec, phase: 'pending', activatedAt: 0, healedAt: null });
    if (BYZANTINE_KINDS.has(spec.kind) && 'node' in spec) this.sim.faulty.add(spec.node);
  }

  /** Active and pending faults, for views. */
  activeOn(node: number): string[] {
    return this.states.filter((s) => (s.phase === 'active' || s.phase === 'down') && 'node' in s.spec && s.spec.node === node).map((s) => (s.phase === 'down' ? 'down' : s.spec.kind));
  }

  isActive(kind: FaultSpec['kind'], node: number): boolean {
    return this.states.some((s) => s.phase === 'active' && s.spec.kind === kind && 'node' in s.spec && s.spec.node === node);
  }

  allHealed(): boolean {
    return this.states.every((s) => s.phase === 'healed' || (s.phase === 'active' && s.spec.duration === undefined && s.spec.kind !== 'crash') || (s.spec.kind === 'crash' && s.spec.restartAfter === undefined && s.phase !== 'pending'));
  }

  /** Whether `poll` has something to do now (asked after every timer, so without garbage). */
  due(): boolean {
    if (this.actions.length > 0) return true;
    const now = this.sim.clock.now();
    for (const st of this.states) if (st.phase === 'pending' && (this.triggered(st.spec.at, now) || this.toWake(st))) return true;
    return false;
  }

  /** A step-and-time trigger whose step came, with its time still ahead and no timer set for it. */
  private toWake(st: FaultState): boolean {
    const t = st.spec.at;
    return !st.woken && !!t && 'step' in t && t.time !== undefined && this.sim.steps >= t.step;
  }

  /** Called by the simulator when `due`: start and heal faults, run pending restarts. */
  async poll(): Promise<void> {
    const now = this.sim.clock.now();
    // every fault due now is found before any acts: "crash all four at height 2" must not stop
    // seeing height 2 because the node that reached it crashed first
    const due = this.states.filter((st) => st.phase === 'pending' && this.triggered(st.spec.at, now));
    // set at the same step live and in a replay, the timer is the same step of both
    for (const st of this.states) {
      if (st.phase !== 'pending' || due.includes(st) || !this.toWake(st)) continue;
      st.woken = true;
      this.sim.clock.after(this.start + (st.spec.at as { time: number }).time - now, () => undefined);
    }
    await this.runActions();
    // each acts in its order, a restart included: "restart, then crash" at one step leaves the node
    // down, as the same two clicks did live
    for (const st of due) {
      st.phase = 'active';
      st.activatedAt = now;
      this.version++;
      this.activate(st);
      await this.runActions();
    }
  }

  private async runActions(): Promise<void> {
    while (this.actions.length) await this.actions.shift()!();
  }

  private triggered(t: Trigger | undefined, now: number): boolean {
    if (!t) return true;
    if ('step' in t) return this.sim.steps >= t.step && (t.time === undefined || now - this.start >= t.time);
    if ('time' in t) return now - this.start >= t.time;
    return this.sim.nodes.some((n) => {
      const rs = n.node?.getRoundStateSimple();
      return !!rs && (rs.height > t.height || (rs.height === t.height && rs.round >= (t.round ?? 0)));
    });
  }

  private activate(st: FaultState): void {
    const { spec } = st;
    const sim = this.sim;
    const heal = (fn: () => void) => {
      if (spec.duration === undefined) return;
      sim.clock.after(spec.duration, () => {
        fn();
        this.healed(st);
      });
    };
    switch (spec.kind) {
      case 'crash':
        sim.crashNode(spec.node);
        if (spec.restartAfter !== undefined) {
          sim.clock.after(spec.restartAfter, () => {
            this.actions.push(() => sim.startNode(spec.node));
            this.healed(st);
          });
        }
        return;
      case 'forceTimeout':
        sim.nodes[spec.node].node?.forceTimeout();
        return this.healed(st);
      case 'restart':
        this.actions.push(() => sim.startNode(spec.node));
        // the crash this restart ends is over too
        for (const o of this.states) if (o.spec.kind === 'crash' && o.spec.node === spec.node && o.phase === 'active') this.healed(o);
        return this.healed(st);
      case 'crashAtWalWrite': {
        const sn = sim.nodes[spec.node];
        sn.wal.crashAt = {
          write: spec.write,
          after: spec.after ?? false,
          crash: () => {
            st.phase = 'down';
            st.activatedAt = sim.clock.now();
            sim.crashNode(spec.node);
            sim.clock.after(spec.restartAfter, () => {
              this.actions.push(() => sim.startNode(spec.node));
              this.healed(st);
            });
          },
        };
        return;
      }
      case 'silence': {
        // with gossip, silence is a dropped connection (peers forget what they sent it); with
        // direct delivery the outbound filter drops what it sends
        if (!sim.gossiping) return heal(() => undefined);
        const name = sim.nodes[spec.node].name;
        sim.network.isolate(name, true);
        return heal(() => sim.network.isolate(name, false));
      }
      case 'partition': {
        // fewer than two groups heals; a later partition is not healed by this one's end
        const groups = spec.groups.length > 1 ? spec.groups.map((g) => g.map((i) => sim.nodes[i].name)) : null;
        sim.network.partition(groups);
        return heal(() => sim.network.partitionGroups === groups && sim.network.partition(null));
      }
      case 'delay': {
        const pairs = this.pairs(spec.from, spec.to);
        for (const [a, b] of pairs) sim.network.setLink(a, b, { delayMin: spec.delayMin, delayMax: spec.delayMax, dropRate: spec.dropRate ?? 0 });
        return heal(() => pairs.forEach(([a, b]) => sim.network.setLink(a, b, {})));
      }
      case 'amnesia': {
        // prevote the round's complete proposal whatever we are locked on (ignores §4.19); what
        // the node holds is learnt from its events, as an operator's patched binary would
        const sn = sim.nodes[spec.node];
        sn.voteTransform = (vote) => {
          const c = this.complete.get(sn.name);
          if (vote.type !== SignedMsgType.Prevote || !c || c.height !== vote.height || c.round !== vote.round) return vote;
          return { ...vote, blockId: c.blockId };
        };
        return heal(() => (sn.voteTransform = null));
      }
      case 'dropMessage': {
        // A gossip link is a stream, and a stream never loses one message alone (network.ts,
        // transmit): the connection breaks, whatever was in flight on it is lost both ways, both
        // peers forget what they had sent each other, and they redial. Direct delivery has no
        // connection to break (scenarioProblems refuses the fault there).
        if (!sim.gossiping) return this.healed(st);
        sim.network.transportFor(sim.nodes[spec.from].name).disconnect(sim.nodes[spec.to].name, 'a message was lost');
        sim.clock.after(REDIAL_MS, () => {
          // re-applying the partition in force is the network's way to bring every allowed connection up
          sim.network.partition(sim.network.partitionGroups);
          this.healed(st);
        });
        return;
      }
      case 'proposeTxs':
        sim.nodes[spec.node].proposeTxs = spec.txs.map(fromHex);
        return heal(() => (sim.nodes[spec.node].proposeTxs = null));
      case 'nilPrecommit':
        sim.nodes[spec.node].voteTransform = (vote) => (vote.type === SignedMsgType.Precommit ? { ...vote, blockId: nilBlockId() } : vote);
        return heal(() => (sim.nodes[spec.node].voteTransform = null));
      default:
        // silence, dropProposals, equivocation: handled by the outbound filter while active
        return heal(() => undefined);
    }
  }

  private healed(st: FaultState): void {
    this.version++;
    st.phase = 'healed';
    st.healedAt = this.sim.clock.now();
    this.lastHealAt = Math.max(this.lastHealAt, st.healedAt);
    if (!this.sim.gossiping && st.spec.kind !== 'forceTimeout') this.sim.network.resendRecent();
  }

  /** Every fault that has taken effect, with its span (ms since the start) and the nodes it touched. */
  intervals(): FaultView[] {
    const all = this.sim.nodes.map((n) => n.index);
    const out: FaultView[] = [];
    for (const st of this.states) {
      const { spec } = st;
      if (st.phase === 'pending' || (spec.kind === 'crashAtWalWrite' && st.phase === 'active')) continue;
      const nodes = 'node' in spec ? [spec.node] : spec.kind === 'partition' ? (spec.groups.length > 1 ? all : []) : spec.from !== undefined || spec.to !== undefined ? [spec.from, spec.to].filter((x) => x !== undefined) : all;
      out.push({ kind: spec.kind, nodes, from: st.activatedAt - this.start, to: st.healedAt === null ? null : st.healedAt - this.start });
    }
    return out;
  }

  private pairs(from?: number, to?: number): [string, string][] {
    const names = this.sim.nodes.map((n) => n.name);
    const froms = from === undefined ? names : [names[from]];
    const tos = to === undefined ? names : [names[to]];
    return froms.flatMap((a) => tos.filter((b) => b !== a).map((b) => [a, b] as [string, string]));
  }

  // ---- outbound behaviour of faulty nodes ---------------------------------------------------------

  private peersOf(i: number): number[] {
    const sim = this.sim;
    const names = sim.gossiping ? sim.network.peersOf(sim.nodes[i].name) : sim.nodes.filter((n) => n.index !== i).map((n) => n.name);
    return names.map((n) => this.indexOf(n)).sort((a, b) => a - b);
  }

  private indexOf(name: string): number {
    if (this.indexByName.size !== this.sim.nodes.length) this.indexByName = new Map(this.sim.nodes.map((n, i) => [n.name, i]));
    return this.indexByName.get(name) ?? -1;
  }

  private filter(from: string, to: string, msg: StateMessage): StateMessage[] {
    const i = this.indexOf(from);
    if (this.isActive('silence', i) && !this.sim.gossiping) return [];
    if (this.isActive('dropProposals', i) && (msg.kind === 'Proposal' || msg.kind === 'BlockPart')) return [];
    // The sender's peers, in index order, are split in two alternating halves; each half is
    // shown its own story (with gossip only neighbours are reachable, so the split is theirs).
    const otherHalf = this.peersOf(i).indexOf(this.indexOf(to)) % 2 === 1;
    if (this.isActive('equivocateProposal', i) && otherHalf && (msg.kind === 'Proposal' || msg.kind === 'BlockPart')) {
      const alt = this.equivocateProposal(i, msg);
      return alt ? [alt] : [];
    }
    if (this.isActive('equivocateVotes', i) && msg.kind === 'Vote' && bytesEqual(msg.vote.validatorAddress, this.sim.nodes[i].address)) {
      // Each half sees only its own story. With direct delivery nobody relays, so the other half
      // is also handed the first half's vote afterwards (a correct node then holds both signed
      // votes, as gossip would give it); with gossip the correct nodes relay it themselves, and
      // a half that is cut off from the other is fooled for good (a Twins-style attack).
      const shown = this.shown.get(`${msg.vote.height}/${msg.vote.round}`);
      const first: StateMessage = shown ? { kind: 'Vote', vote: this.altVote(i, msg.vote, shown[0]) } : msg;
      const second: StateMessage = { kind: 'Vote', vote: this.altVote(i, msg.vote, shown ? shown[1] : null) };
      if (!otherHalf) return [first];
      return this.sim.gossiping ? [second] : [second, first];
    }
    return [msg];
  }

  /** The same vote for another block: the given one, or nil ↔ a made-up block. */
  private altVote(i: number, vote: Vote, target: BlockID | null): Vote {
    const key = `${i}/${vote.height}/${vote.round}/${vote.type}/${target ? toHex(target.hash) : 'flip'}`;
    const cached = this.altVotes.get(key);
    if (cached) return cached;
    const sn = this.sim.nodes[i];
    const blockId = target ?? (isNilBlockId(vote.blockId) ? fakeBlockId(key) : nilBlockId());
    const alt: Vote = { ...vote, blockId, signature: new Uint8Array(0) };
    alt.signature = signSync(sn.seed, voteSignBytes(this.sim.genesis.chainId, alt));
    this.altVotes.set(key, alt);
    return alt;
  }

  private equivocateProposal(i: number, msg: StateMessage): StateMessage | null {
    const h = msg.kind === 'Proposal' ? msg.proposal.height : msg.kind === 'BlockPart' ? msg.height : 0;
    const r = msg.kind === 'Proposal' ? msg.proposal.round : msg.kind === 'BlockPart' ? msg.round : 0;
    const alt = this.altProposal(i, h, r, msg.kind === 'Proposal' ? msg.proposal : null);
    if (!alt) return msg;
    if (msg.kind === 'Proposal') return { kind: 'Proposal', proposal: alt.proposal };
    if (msg.kind !== 'BlockPart') return msg;
    const part = alt.parts.getPart(msg.part.index);
    return part ? { kind: 'BlockPart', height: h, round: r, part } : null;
  }

  /**
   * The other story for (h, r): made once, by the proposer, when its proposal first goes out;
   * an equivocating colluder relays that same story to its other half (Byzantine nodes agree on
   * whom to fool), and passes on what it cannot re-sign.
   */
  private altProposal(i: number, h: number, r: number, original: Proposal | null): { proposal: Proposal; parts: PartSet } | null {
    const key = `${h}/${r}`;
    const known = this.altProposals.get(key);
    if (known || !original) return known ?? null;
    const sn = this.sim.nodes[i];
    const node = sn.node;
    if (!node || !verifySync(sn.pubKey, proposalSignBytes(this.sim.genesis.chainId, original), original.signature)) return null;
    const state = node.getState();
    const lastCommit = h === state.initialHeight ? null : node.loadCommit(h - 1);
    const block = makeBlock(state, { txs: [utf8(`equivocation=${h}/${r}`)], lastCommit, evidence: [], proposerAddress: sn.address });
    const { blockId, parts } = makeBlockParts(block);
    const proposal: Proposal = { ...original, blockId, signature: new Uint8Array(0) };
    proposal.signature = signSync(sn.seed, proposalSignBytes(this.sim.genesis.chainId, proposal));
    this.altProposals.set(key, { proposal, parts });
    this.shown.set(`${h}/${r}`, [original.blockId, blockId]);
    return { proposal, parts };
  }
}

function fakeBlockId(seed: string): BlockID {
  const h = sha256(utf8(`fake-block/${seed}`));
  return { hash: h, partSetHeader: { total: 1, hash: sha256(concat(h, new Uint8Array([1]))) } };
}

