// The deterministic simulator: N real ConsensusNodes (the same engine and node loop as a live
// node) on a virtual clock, one seeded PRNG, a simulated network and in-memory stores that can
// lose unsynced writes. Same seed and options, same run: the event log is bit-identical.
import type { Bytes, Proposal, Vote } from '../core/types.js';
import type { ConsensusConfig } from '../core/consensus/config.js';
import { DEFAULT_CONSENSUS_CONFIG } from '../core/consensus/config.js';
import type { ConsensusEvent } from '../core/consensus/io.js';
import type { GenesisDoc } from '../core/state/genesis.js';
import { KVStoreApp } from '../core/app/kvstore.js';
import { sha256 } from '../core/crypto/sha256.js';
import { publicKeyFromSeed, signSync } from '../core/crypto/ed25519.js';
import { addressFromPubKey } from '../core/crypto/address.js';
import { concat, utf8 } from '../core/bytes.js';
import { SignedMsgType } from '../core/types.js';
import { commitReader } from '../core/reactor/vote-set-reader.js';
import type { ConsensusNode } from '../node/node.js';
import { MemoryBlockStore, MemoryStateStore, MemoryWAL } from '../node/memory-stores.js';
import { SignatureCache } from '../node/signature-cache.js';
import type { Ed25519Verifier } from '../core/crypto/ed25519.js';
import type { PrivValidator } from '../node/priv-validator.js';
import { LocalPrivValidator, MemoryPrivValidatorStateStore } from '../node/priv-validator.js';
import { VirtualClock } from './clock.js';
import { Prng } from './prng.js';
import type { LinkConfig } from './network.js';
import type { NetworkStats } from './network.js';
import { DEFAULT_LINK, SimNetwork } from './network.js';
import type { Topology } from './topology.js';
import { describeTopology } from './topology.js';
import { createNode } from '../node/create-node.js';
import type { FaultSpec } from './faults.js';
import { FaultController } from './faults.js';
import type { CheckReport } from './checkers.js';
import type { CheckedRun, FaultHost, SignedRecord, SimNode } from './sim-node.js';
export type { SimNode } from './sim-node.js';
import { MAX_LAG, runCheckers } from './checkers.js';
import { EventLogHasher } from './event-log.js';
import type { RelayTiming } from '../core/reactor/vote-relay.js';
import { FLOODING } from '../core/reactor/vote-relay.js';

export interface SimOptions {
  validators: number;
  /** Voting powers, one per validator (default 10 each, as CometBFT's tests). */
  powers?: number[];
  seed: number;
  /** Stop once every correct running node has committed this many heights. */
  heights: number;
  /** Virtual-time cap in ms (default: generous for the timeouts in use). */
  maxTime?: number;
  config?: Partial<ConsensusConfig>;
  link?: Partial<LinkConfig>;
  faults?: FaultSpec[];
  /** key=value transactions submitted to a random node per height. */
  txsPerHeight?: number;
  /** Share signature verdicts between nodes (each signature checked once per run). */
  sharedVerification?: boolean;
  /** The batch verifier behind the shared cache (default: synchronous @noble/ed25519). */
  verifier?: Ed25519Verifier;
  /** Validators known to be faulty (excluded from the safety checks). Byzantine faults add theirs. */
  faulty?: number[];
  chainId?: string;
  /** Keep every event (memory grows with the run); the log hash is kept either way. */
  keepEvents?: boolean;
  /** Gossip through each node's ConsensusReactor over this topology (default: full mesh); 'direct' broadcasts without a reactor. */
  transport?: Topology | 'direct';
  /** The reactor's peer_gossip_sleep_duration in ms (default 100). */
  gossipSleep?: number;
  /** How long relayed votes wait for HasVote (default: flooding in a full mesh, else the reactor's default). */
  relay?: Partial<RelayTiming>;
  /**
   * Signs for the validators (default: signSync). It may answer later (WebCrypto): the run
   * waits for every node to finish before its next timer, and Ed25519 gives the same bytes.
   */
  sign?: (seed: Bytes, message: Bytes) => Bytes | Promise<Bytes>;
}


export interface SimEventRecord {
  node: string;
  event: ConsensusEvent;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  heights: number;
  virtualTime: number;
  /** Per height: the round it was committed in (as seen by the first correct node to commit it). */
  commitRounds: Record<number, number>;
  /** Mean virtual ms between consecutive commits of node 0 (or the first correct node). */
  meanBlockTime: number;
  messages: NetworkStats;
  signaturesVerified: number;
  checks: CheckReport;
  eventLogHash: string;
  replay: string;
}

const SIM_GENESIS_TIME = { seconds: 1_700_000_000, nanos: 0 };

export class Simulation implements FaultHost, CheckedRun {
  readonly clock: VirtualClock;
  readonly prng: Prng;
  readonly network: SimNetwork;
  readonly nodes: SimNode[] = [];
  readonly genesis: GenesisDoc;
  readonly config: ConsensusConfig;
  readonly faults: FaultController;
  readonly events: SimEventRecord[] = [];
  /** Every message a validator signed, for the no-double-sign checker. */
  readonly signed: SignedRecord[] = [];
  readonly faulty = new Set<number>();
  private readonly signatures: SignatureCache | null;
  private readonly logHash = new EventLogHasher();
  /** When each node committed each block (kept even without `keepEvents`, for the liveness check). */
  readonly commitTimes = new Map<string, number[]>();
  private listeners: ((rec: SimEventRecord) => void)[] = [];

  constructor(readonly opts: SimOptions) {
    this.prng = new Prng(opts.seed);
    this.clock = new VirtualClock(SIM_GENESIS_TIME.seconds * 1000);
    this.network = new SimNetwork(this.clock, this.prng.fork(), { ...DEFAULT_LINK, ...opts.link });
    this.config = { ...DEFAULT_CONSENSUS_CONFIG, ...opts.config };
    this.signatures = opts.sharedVerification === false ? null : new SignatureCache(opts.verifier ?? null);
    for (const i of opts.faulty ?? []) this.faulty.add(i);
    const chainId = opts.chainId ?? 'prevote-sim';
    for (let i = 0; i < opts.validators; i++) {
      const seed = sha256(concat(utf8(`prevote-sim/${opts.seed}/`), new Uint8Array([i >> 8, i & 0xff])));
      const pubKey = publicKeyFromSeed(seed);
      this.nodes.push({
        index: i,
        name: `n${i}`,
        seed,
        pubKey,
        address: addressFromPubKey(pubKey),
        node: null,
        reactor: null,
        app: new KVStoreApp(),
        wal: new MemoryWAL(),
        blockStore: new MemoryBlockStore(),
        stateStore: new MemoryStateStore(),
        privvalStore: new MemoryPrivValidatorStateStore(),
        voteTransform: null,
        proposeTxs: null,
        signatures: null,
        crashes: 0,
      });
    }
    this.genesis = {
      genesisTime: SIM_GENESIS_TIME,
      chainId,
      initialHeight: 1,
      consensusParams: { blockMaxBytes: 4194304, blockMaxGas: -1 },
      validators: this.nodes.map((n, i) => ({ address: n.address, pubKey: n.pubKey, power: BigInt(opts.powers?.[i] ?? 10), name: n.name })),
      appHash: new Uint8Array(0),
      appState: null,
    };
    this.faults = new FaultController(this, opts.faults ?? []);
    const transport = opts.transport ?? { kind: 'full' };
    if (transport !== 'direct') this.network.setTopology(this.nodes.map((n) => n.name), transport);
  }

  /**
   * A full mesh floods: each vote reaches every peer from its signer, so there are few relays to
   * save, and flooding keeps the lessons' timing (e.g. n1's two votes meet at a node by a relay
   * racing HasVote, as in CometBFT). Where votes travel several hops the hold saves most copies.
   */
  private relayTiming(): Partial<RelayTiming> | undefined {
    const t = this.opts.transport;
    return this.opts.relay ?? (!t || t === 'direct' || t.kind === 'full' ? FLOODING : undefined);
  }

  get gossiping(): boolean {
    return this.opts.transport !== 'direct';
  }

  onEvent(fn: (rec: SimEventRecord) => void): void {
    this.listeners.push(fn);
  }

  /** Creates (or re-creates after a crash) node i from its stores and starts it. */
  async startNode(i: number): Promise<void> {
    const sn = this.nodes[i];
    // two faults may both restart a node: a second instance over the same stores would be a ghost
    if (sn.node) return;
    const app = new ByzantineProposerApp(() => sn.proposeTxs);
    sn.app = app;
    // the default signer answers at once, and so does the memory store: no promise per signature
    const sign = this.opts.sign;
    const now = (msg: Bytes) => signSync(sn.seed, msg);
    const signer = sign ? { pubKey: sn.pubKey, sign: async (msg: Bytes) => sign(sn.seed, msg) } : { pubKey: sn.pubKey, sign: async (msg: Bytes) => now(msg), signSync: now };
    const inner = new LocalPrivValidator(signer, sn.privvalStore);
    await inner.load();
    const prng = this.prng.fork();
    const { node, sw, reactor } = await createNode({
      name: sn.name,
      genesis: this.genesis,
      config: this.config,
      privValidator: new RecordingPrivValidator(inner, sn, this.signed),
      stores: { wal: sn.wal, blockStore: sn.blockStore, stateStore: sn.stateStore },
      app,
      clock: this.clock,
      scheduler: this.clock,
      verifier: (sn.signatures = this.signatures ?? new SignatureCache(this.opts.verifier ?? null)),
      network: this.gossiping
        ? { transport: this.network.transportFor(sn.name), randInt: (n) => prng.int(n), reactor: { gossipSleep: this.opts.gossipSleep, relay: this.relayTiming() } }
        : { direct: { broadcast: (msg) => this.network.broadcastDirect(sn.name, msg), publish: () => undefined, stopPeer: () => undefined } },
    });
    node.onEvent((event) => this.record(sn, event));
    node.onWaiting = () => this.busy.add(node);
    this.upDown++;
    sn.node = node;
    sn.reactor = reactor;
    if (!sw) {
      this.network.attachDirect(sn.name, (msg, from) => node.receive(msg, from));
      // a restarted node hears what the others said lately (what gossip would bring it)
      if (await this.startOrCrash(sn, node)) this.network.resendRecent(sn.name);
      return;
    }
    if (await this.startOrCrash(sn, node)) this.network.attachSwitch(sn.name, sw);
  }

  /** Starts a node; a simulated crash during start-up (a WAL write point) leaves it down. */
  private async startOrCrash(sn: SimNode, node: ConsensusNode): Promise<boolean> {
    try {
      await node.start();
      return true;
    } catch (e) {
      if (sn.node !== node) return false; // crashed on purpose while starting
      throw e;
    }
  }

  /** A crash: the node stops, unsynced WAL records are lost; stores keep what was saved. */
  crashNode(i: number): void {
    const sn = this.nodes[i];
    if (!sn.node) return;
    sn.node.stop();
    sn.node = null;
    sn.reactor?.stop();
    sn.reactor = null;
    sn.wal.crash();
    sn.crashes++;
    this.upDown++;
    this.network.detach(sn.name);
  }

  private record(sn: SimNode, event: ConsensusEvent): void {
    this.logHash.add(sn.index, event);
    if (event.type === 'NewBlock') {
      this.commits++;
      (this.commitTimes.get(sn.name) ?? this.commitTimes.set(sn.name, []).get(sn.name)!).push(event.at);
    }
    // a record object only for someone who keeps or reads it (none in a benchmark's run)
    if (this.opts.keepEvents === false && this.listeners.length === 0) return;
    const rec = { node: sn.name, event };
    if (this.opts.keepEvents !== false) this.events.push(rec);
    for (const fn of this.listeners) fn(rec);
  }

  /** Correct nodes: not Byzantine and not (currently) crashed. */
  correctIndices(): number[] {
    return this.nodes.filter((n) => !this.faulty.has(n.index)).map((n) => n.index);
  }

  committedHeight(i: number): number {
    return this.nodes[i].blockStore.height();
  }

  /**
   * Lets every node finish what the last timer gave it. Nodes only affect each other through
   * timers (message deliveries), so one pass is enough and the order of work stays fixed.
   */
  async settle(): Promise<void> {
    // only the nodes that had to wait for a promise since the last look (onWaiting): with
    // synchronous signing and stores, none; this runs twice per timer, hundreds of thousands of
    // times per height with 100 validators
    while (this.busy.size > 0) {
      const [node] = this.busy;
      this.busy.delete(node);
      if (!node.idle) await node.whenIdle();
    }
  }

  private readonly busy = new Set<ConsensusNode>();

  /**
   * The goal is reached, every fault has healed, and every live correct node has committed since
   * the last heal (so liveness after faults is observed, not assumed from commits made before).
   */
  private done(): boolean {
    // asked after every step: recomputed only when a commit, a fault or a crash could change it
    const { commits, upDown } = this;
    const faults = this.faults.version;
    if (commits === this.doneAt.commits && faults === this.doneAt.faults && upDown === this.doneAt.upDown) return this.doneValue;
    this.doneAt = { commits, faults, upDown };
    this.doneValue = this.goalReached();
    return this.doneValue;
  }

  private goalReached(): boolean {
    const live = this.liveCorrect();
    const healedAt = this.faults.lastHealAt;
    const head = Math.max(0, ...live.map((i) => this.committedHeight(i)));
    return (
      live.length > 0 &&
      live.every((i) => this.committedHeight(i) >= this.opts.heights) &&
      // with gossip a node that fell behind must catch up, not merely commit once more
      (!this.gossiping || live.every((i) => this.committedHeight(i) >= head - MAX_LAG)) &&
      this.faults.allHealed() &&
      (healedAt === this.faults.startedAt || live.every((i) => (this.commitTimes.get(this.nodes[i].name) ?? []).some((t) => t >= healedAt)))
    );
  }

  private commits = 0;
  private upDown = 0;
  private doneAt = { commits: -1, faults: -1, upDown: -1 };
  private doneValue = false;

  /** Correct nodes that are running. */
  liveCorrect(): number[] {
    return this.correctIndices().filter((i) => this.nodes[i].node);
  }

  /** Runs to the goal; `keepRunning` leaves the nodes up (tests poke at them afterwards). */
  async run({ keepRunning = false } = {}): Promise<SimResult> {
    await this.runToGoal();
    if (!keepRunning) this.stop();
    return this.result();
  }

  /** Advances until the goal is reached, nothing is left to do, or the time cap (no checks). */
  async runToGoal(): Promise<void> {
    const maxTime = this.clock.now() + (this.opts.maxTime ?? defaultMaxTime(this.config, this.opts.heights));
    await this.init();
    while (!this.done() && this.clock.now() <= maxTime) {
      const stepped = this.advance(); // awaited only when a step must wait (a microtask per step adds up)
      if (!(typeof stepped === 'boolean' ? stepped : await stepped)) break;
    }
  }

  private initialized = false;
  /** Timers fired so far: the clock of a person's actions (see Trigger `step`). */
  steps = 0;

  /** Arms the faults due from the start, starts every node and the transaction feed. */
  async init(): Promise<void> {
    if (this.initialized) return;
    this.initialized = true;
    for (let i = 0; i < this.nodes.length; i++) await this.startNode(i);
    await this.faults.poll(); // faults due from the start act on running nodes, as a person's action at step 0 did
    await this.settle();
    this.scheduleTxs();
    if (!this.gossiping) this.watchStalls();
  }

  /**
   * One step of virtual time: fires the next timer and lets every node finish; false when idle.
   * A promise only when a node or a fault must wait (a file write, a batch verification, a
   * fault's action): at 100 validators a height is about 200k steps, each one timer.
   */
  advance(): boolean | Promise<boolean> {
    if (!this.clock.fireNext()) return false;
    this.steps++;
    // faults see the settled state, and act between steps exactly as a person's action does
    const working = this.takeIdle();
    return working || this.faults.due() ? this.finishStep() : true;
  }

  private async finishStep(): Promise<boolean> {
    await this.settle();
    await this.faults.poll();
    await this.settle();
    return true;
  }

  /** Takes the nodes that finished off the busy list; true if one is still working. */
  private takeIdle(): boolean {
    if (this.busy.size === 0) return false;
    for (const node of this.busy) {
      if (!node.idle) return true;
      this.busy.delete(node);
    }
    return false;
  }

  /** Time of the next timer, or null (for drivers that pace the simulation to a wall clock). */
  nextEventTime(): number | null {
    return this.clock.peek();
  }

  /** The event log's hash so far (src/sim/event-log.ts): same seed and options, same hash. */
  eventLogHash(): string {
    return this.logHash.digest();
  }

  stop(): void {
    for (const n of this.nodes) {
      n.node?.stop();
      n.reactor?.stop();
    }
  }

  /**
   * Direct delivery has no gossip: a proposal that reached a node a round early was dropped by it
   * and nobody sends it again, and a node that missed the precommits a height was committed with
   * (a Byzantine node told it another story) never sees them, so it would wait forever while the
   * others go on. Once per timeout_propose, a node behind the highest one is caught up as the
   * reactor would: a correct node ahead of it sends the next committed block's precommits, with
   * its +2/3 claim so that they count against what the Byzantine nodes told it, then the block's
   * parts; and everyone's recent messages go to it again. Runs where nobody falls behind are
   * untouched.
   */
  private watchStalls(): void {
    const look = () => {
      const top = Math.max(0, ...this.nodes.map((n) => this.committedHeight(n.index)));
      for (const n of this.nodes) {
        if (!n.node || this.committedHeight(n.index) >= top) continue;
        this.sendNextCommit(n);
        this.network.resendRecent(n.name);
      }
      this.clock.after(this.config.timeoutPropose, look);
    };
    this.clock.after(this.config.timeoutPropose, look);
  }

  private sendNextCommit(lagging: SimNode): void {
    const h = this.committedHeight(lagging.index) + 1;
    const from = this.nodes.find((n) => n.node && !this.faulty.has(n.index) && this.committedHeight(n.index) >= h);
    const commit = from && (from.blockStore.loadBlockCommit(h) ?? from.blockStore.loadSeenCommit(h));
    const meta = from?.blockStore.loadBlockMeta(h);
    if (!from || !commit || !meta) return;
    lagging.node!.setPeerMaj23(from.name, { height: h, round: commit.round, type: SignedMsgType.Precommit, blockId: commit.blockId });
    const votes = commitReader(commit);
    for (let i = 0; i < votes.size; i++) {
      const vote = votes.getByIndex(i);
      if (vote) this.network.sendDirect(from.name, lagging.name, { kind: 'Vote', vote });
    }
    for (let i = 0; i < meta.numParts; i++) {
      const part = from.blockStore.loadBlockPart(h, i);
      if (part) this.network.sendDirect(from.name, lagging.name, { kind: 'BlockPart', height: h, round: commit.round, part });
    }
  }

  private scheduleTxs(): void {
    const per = this.opts.txsPerHeight ?? 0;
    if (per <= 0) return;
    let k = 0;
    const tick = () => {
      for (let j = 0; j < per; j++) {
        const target = this.nodes[this.prng.int(this.nodes.length)].node;
        target?.submitTx(utf8(`k${k}=v${k++}`));
      }
      if (!this.done() || this.opts.heights === Infinity) this.clock.after(this.config.timeoutCommit || 500, tick);
    };
    this.clock.after(1, tick);
  }

  result(): SimResult {
    const correct = this.correctIndices();
    const live = this.liveCorrect();
    const checks = runCheckers(this);
    const first = correct.find((i) => this.nodes[i].blockStore.height() > 0) ?? 0;
    const commitRounds: Record<number, number> = {};
    const commitTimes: number[] = [];
    for (const { node, event } of this.events) {
      if (event.type !== 'NewBlock' || node !== this.nodes[first].name) continue;
      commitRounds[event.block.header.height] = event.commitRound;
      commitTimes.push(event.at);
    }
    const gaps = commitTimes.slice(1).map((t, i) => t - commitTimes[i]);
    const stats = this.network.stats;
    return {
      seed: this.opts.seed,
      ok: checks.ok,
      // nodes that crashed for good are not counted: the run's progress is the live nodes'
      heights: live.length ? Math.min(...live.map((i) => this.committedHeight(i))) : 0,
      virtualTime: this.clock.now() - SIM_GENESIS_TIME.seconds * 1000,
      commitRounds,
      meanBlockTime: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : 0,
      messages: { ...stats, byKind: { ...stats.byKind }, deliveredByKind: { ...stats.deliveredByKind }, disconnects: [...stats.disconnects] },
      signaturesVerified: this.signatures?.verified ?? 0,
      checks,
      eventLogHash: this.eventLogHash(),
      replay: replayCommand(this.opts),
    };
  }
}

function defaultMaxTime(c: ConsensusConfig, heights: number): number {
  const round = c.timeoutPropose + c.timeoutPrevote + c.timeoutPrecommit + c.timeoutCommit;
  return Math.max(60_000, heights * round * 20);
}

export function replayCommand(o: SimOptions): string {
  const args = [`--validators ${o.validators}`, `--heights ${o.heights}`, `--seed ${o.seed}`];
  if (o.transport) args.push(`--topology ${o.transport === 'direct' ? 'direct' : describeTopology(o.transport)}`);
  if (o.gossipSleep !== undefined) args.push(`--gossip-sleep ${o.gossipSleep}`);
  if (o.link?.delayMin !== undefined || o.link?.delayMax !== undefined) {
    args.push(`--delay ${o.link.delayMin ?? DEFAULT_LINK.delayMin},${o.link.delayMax ?? DEFAULT_LINK.delayMax}`);
  }
  if (o.link?.dropRate) args.push(`--drop ${o.link.dropRate}`);
  if (o.config?.timeoutCommit !== undefined) args.push(`--timeout-commit ${o.config.timeoutCommit}`);
  if (o.txsPerHeight) args.push(`--txs ${o.txsPerHeight}`);
  if (o.maxTime !== undefined && Number.isFinite(o.maxTime)) args.push(`--max-time ${o.maxTime}`);
  for (const f of o.faults ?? []) args.push(`--fault '${JSON.stringify(f)}'`);
  return `npx prevote sim ${args.join(' ')}`;
}

/**
 * The validator's PrivValidator with the simulator's two additions: Byzantine vote rewriting
 * (amnesia, forced nil precommits) before the rules are applied, and a record of everything
 * signed for the no-double-sign checker.
 */
class RecordingPrivValidator implements PrivValidator {
  readonly address: Bytes;
  readonly pubKey: Bytes;

  constructor(
    private readonly inner: LocalPrivValidator,
    private readonly sn: SimNode,
    private readonly signed: SignedRecord[],
  ) {
    this.address = sn.address;
    this.pubKey = sn.pubKey;
  }

  signVote(chainId: string, vote: Vote): Vote | Promise<Vote> {
    return this.recorded('vote', this.inner.signVote(chainId, this.sn.voteTransform ? this.sn.voteTransform(vote) : vote));
  }

  signProposal(chainId: string, p: Proposal): Proposal | Promise<Proposal> {
    return this.recorded('proposal', this.inner.signProposal(chainId, p));
  }

  /** The answer as it comes (at once with the synchronous signer), recorded once signed. */
  private recorded<T extends Vote | Proposal>(kind: SignedRecord['kind'], answer: T | Promise<T>): T | Promise<T> {
    const record = (m: T) => {
      this.signed.push({ validator: this.sn.index, kind, height: m.height, round: m.round, type: m.type, blockId: m.blockId, signature: m.signature });
      return m;
    };
    return answer instanceof Promise ? answer.then(record) : record(answer);
  }
}

/** The kvstore, except that a Byzantine proposer may slip in transactions its PrepareProposal would drop. */
class ByzantineProposerApp extends KVStoreApp {
  constructor(private readonly extraTxs: () => Bytes[] | null) {
    super();
  }

  override prepareProposal(req: Parameters<KVStoreApp['prepareProposal']>[0]): Bytes[] {
    return [...super.prepareProposal(req), ...(this.extraTxs() ?? [])];
  }
}
