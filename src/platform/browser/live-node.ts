// The live node of a browser tab (issue 13), as its Web Worker runs it: the validator lock and
// keys, the chain's stores, the node assembled by createNode over the page's libp2p (through the
// bridge port), and what the page sees of it — a LiveStatus and observation frames of the same
// kind as the classroom's, so the same views draw them. The worker entry (live.worker.ts) only
// passes messages; everything platform-specific (IndexedDB, Web Locks, the port transport) comes
// in through LiveEnv, so Vitest runs this file with memory stores and a stand-in transport.
//
// Sections: storage (IndexedDB, or memory for an observer), the app replay the handshake needs,
// what the page is shown (missed blocks, stage, frames), and the LiveNode itself.
import type { Bytes, Commit } from '../../core/types.js';
import { BlockIDFlag } from '../../core/types.js';
import type { GenesisDoc } from '../../core/state/genesis.js';
import { parseGenesis } from '../../core/state/genesis.js';
import type { ChainState } from '../../core/state/chain-state.js';
import { KVStoreApp, validatorTx } from '../../core/app/kvstore.js';
import type { ConsensusConfig } from '../../core/consensus/config.js';
import { DEFAULT_CONSENSUS_CONFIG } from '../../core/consensus/config.js';
import type { ConsensusEvent } from '../../core/consensus/io.js';
import { bytesEqual, concat, toHex } from '../../core/bytes.js';
import { addressFromPubKey } from '../../core/crypto/address.js';
import type { WalRecord } from '../../core/wal/record.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { recordsAfterEndHeight } from '../../core/wal/scan.js';
import type { AssembledNode } from '../../node/create-node.js';
import { createNode } from '../../node/create-node.js';
import type { ConsensusNode } from '../../node/node.js';
import type { KeySigner, PrivValidatorStateStore } from '../../node/priv-validator.js';
import { LocalPrivValidator, MemoryPrivValidatorStateStore } from '../../node/priv-validator.js';
import { MemoryStateStore } from '../../node/memory-stores.js';
import type { Clock, Scheduler, StateStore, WAL } from '../../node/ports.js';
import { SignatureCache } from '../../node/signature-cache.js';
import type { PeerTransport, TransportHandler } from '../../node/switch.js';
import type { Discovery } from '../../node/pex-reactor.js';
import type { BlocksyncOptions } from '../../node/blocksync-reactor.js';
import { WriteThroughBlockStore } from '../../node/write-through-block-store.js';
import type { Ed25519Verifier } from '../../core/crypto/ed25519.js';
import type { LastSigned, LiveCommand, LiveStage, LiveStatus } from '../../observe/live.js';
import type { Frame, NodeSummary, ObsEvent } from '../../observe/model.js';
import { projectEvent, projectNode, projectPeers, projectRoundState } from '../../observe/project.js';
import { IdbBlockStore, IdbSigningJournal, IdbStateStore, openNodeDatabase } from './idb-stores.js';
import type { PageToWorker, WorkerToPage } from './live-protocol.js';
import type { KeyVault, LockManagerLike, ValidatorKey } from './browser-keys.js';
import { loadOrCreateNodeKey, loadOrCreateValidatorKey, loadValidatorPubKey, peerIdOfNodeKey, takeValidatorLock } from './browser-keys.js';

// ---- storage ------------------------------------------------------------------------------------

/** The stores a live node runs on: the chain's IndexedDB database, or memory for an observer. */
export interface LiveStores {
  wal: WAL;
  /** the PrivValidator's last-sign state (IdbSigningJournal: the WAL itself, committed with it) */
  signState: PrivValidatorStateStore;
  blockStore: WriteThroughBlockStore;
  stateStore: StateStore;
  /** the WAL as one CometBFT WAL file */
  exportWal(): Promise<Uint8Array>;
  /** calls `cb` if the storage goes away underneath the node (site data cleared) */
  onLost(cb: (why: string) => void): void;
  close(): void;
}

/** How long opening the database may take before we say it is blocked (another tab's old version). */
const OPEN_TIMEOUT_MS = 10_000;

/** The chain's IndexedDB database (one per chain id): WAL and sign state in one journal, blocks, state. */
export async function openIdbStores(chainId: string): Promise<LiveStores> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const opening = openNodeDatabase(chainId);
  const blocked = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // if it opens after all, nobody uses it: let it go
      opening.then((db) => db.close(), () => undefined);
      reject(new Error(`IndexedDB did not open within ${OPEN_TIMEOUT_MS / 1000} s: another tab (an older Prevote?) is blocking its upgrade; close the other Prevote tabs and reload`));
    }, OPEN_TIMEOUT_MS);
  });
  const db = await Promise.race([opening, blocked]).finally(() => clearTimeout(timer));
  const journal = new IdbSigningJournal(db);
  const blockStore = await IdbBlockStore.open(db);
  const stateStore = await IdbStateStore.open(db);
  return {
    wal: journal,
    signState: journal,
    blockStore,
    stateStore,
    exportWal: () => journal.exportBytes(),
    // 'close' fires when the browser closes the connection itself (the user cleared site data)
    onLost: (cb) => db.addEventListener('close', () => cb('the browser closed the IndexedDB database (was site data cleared?)')),
    close: () => db.close(),
  };
}

/**
 * An observer's WAL: in memory, only the last few heights (it is never replayed — an observer
 * starts afresh each time — and a long-open tab must not grow without bound). Exported all the same.
 */
export class RecentWAL implements WAL {
  records: WalRecord[] = [];
  constructor(private readonly keepHeights = 3) {}
  async write(rec: WalRecord): Promise<void> {
    this.records.push(rec);
    if (rec.type === 'endHeight') {
      const from = this.records.findIndex((r) => r.type === 'endHeight' && r.height > rec.height - this.keepHeights);
      if (from > 0) this.records = this.records.slice(from);
    }
  }
  writeSync(rec: WalRecord): Promise<void> {
    return this.write(rec);
  }
  async isEmpty(): Promise<boolean> {
    return this.records.length === 0;
  }
  async recordsAfterEndHeight(height: number): Promise<WalRecord[] | null> {
    return recordsAfterEndHeight(this.records, height);
  }
}

/** Blocks an observer keeps: the newest few (enough to serve peers just behind and to start consensus). */
const OBSERVER_BLOCKS = 64;

/** Memory stores: an observer's, and the tests'. */
export function memoryStores(): LiveStores {
  const wal = new RecentWAL();
  return {
    wal,
    signState: new MemoryPrivValidatorStateStore(),
    blockStore: new WriteThroughBlockStore(null, 0, 0, OBSERVER_BLOCKS),
    stateStore: new MemoryStateStore(),
    exportWal: async () => concat(...wal.records.map(encodeWalRecord)),
    onLost: () => undefined,
    close: () => undefined,
  };
}

// ---- the app replay the handshake needs ---------------------------------------------------------

// ---- what the page is shown ---------------------------------------------------------------------

/**
 * Missed blocks: committed blocks, since we became a validator, whose LastCommit lacks our
 * precommit. Block H's LastCommit is signed by the validator set of H-1, so we remember, per
 * height, whether we were in its set; a commit signature with our address and a flag other than
 * Absent is our precommit (a nil precommit counts as present: we voted).
 */
export class MissedBlocks {
  count = 0;
  /** the first height we were a validator at (null: never, as far as this tab saw) */
  since: number | null = null;
  private readonly inSet = new Map<number, boolean>();

  constructor(private readonly address: Bytes) {}

  knows(height: number): boolean {
    return this.inSet.has(height);
  }

  /** The validator set of `height` (its addresses). */
  noteSet(height: number, addresses: readonly Bytes[]): void {
    const ours = addresses.some((a) => bytesEqual(a, this.address));
    this.inSet.set(height, ours);
    if (ours && (this.since === null || height < this.since)) this.since = height;
  }

  /** What a chain state tells: the sets of its last height and the next. */
  noteState(s: ChainState): void {
    if (s.lastValidators) this.noteSet(s.lastBlockHeight, s.lastValidators.validators.map((v) => v.address));
    this.noteSet(s.lastBlockHeight + 1, s.validators.validators.map((v) => v.address));
  }

  /** Block `height` was committed carrying `lastCommit` (of height-1). */
  noteBlock(height: number, lastCommit: Commit | null): void {
    if (this.inSet.get(height - 1) === true && lastCommit) {
      const signed = lastCommit.signatures.some((s) => s.blockIdFlag !== BlockIDFlag.Absent && bytesEqual(s.validatorAddress, this.address));
      if (!signed) this.count++;
    }
    for (const h of this.inSet.keys()) if (h < height - 2) this.inSet.delete(h);
  }
}

/** Where the node is, for the stage. */
export type LivePhase = 'starting' | 'syncing' | 'consensus' | 'stopped';

/** The stage the page shows: stopped and observer win; a node in consensus is a validator while it has power. */
export function liveStage(phase: LivePhase, observer: boolean, power: bigint): LiveStage {
  if (phase === 'stopped') return 'stopped';
  if (observer) return 'observer';
  if (phase === 'starting') return 'starting';
  if (phase === 'syncing') return 'syncing';
  return power > 0n ? 'validator' : 'full node';
}

/** The most recent events the worker keeps (for the first frame, which carries the history). */
export const RECENT_EVENTS = 2000;

/** Events since the last frame, and a bounded tail of the history. */
export class EventLog {
  private pending: ObsEvent[] = [];
  private recent: ObsEvent[] = [];
  private sentReset = false;
  count = 0;

  push(e: ObsEvent): void {
    this.count++;
    this.pending.push(e);
    this.recent.push(e);
    if (this.recent.length > 2 * RECENT_EVENTS) this.recent = this.recent.slice(-RECENT_EVENTS);
    if (this.pending.length > RECENT_EVENTS) this.pending = this.pending.slice(-RECENT_EVENTS);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The first call gives the recent history (a reset); later ones the events since the last call. */
  take(): { reset: boolean; events: ObsEvent[] } {
    const reset = !this.sentReset;
    this.sentReset = true;
    const events = reset ? this.recent.slice(-RECENT_EVENTS) : this.pending;
    this.pending = [];
    return { reset, events };
  }
}

/** A peer as one line of the frame's node list: what its PeerRoundState tells of it. */
function peerSummary(p: ReturnType<typeof projectPeers>[number], index: number): NodeSummary {
  return {
    id: p.peer,
    index,
    name: p.peer.length > 16 ? `${p.peer.slice(0, 6)}…${p.peer.slice(-6)}` : p.peer,
    up: true,
    height: p.height,
    round: p.round,
    step: p.step ?? 'RoundStepUnknown',
    committed: Math.max(0, p.height - 1),
    lockedRound: -1,
    lockedBlock: null,
    proposer: null,
    faults: [],
    votingPower: '0',
  };
}

// ---- the live node --------------------------------------------------------------------------------

/**
 * The worker's side of the page's libp2p (port-transport.ts's PortTransport), or a test's
 * stand-in. It holds what the page reports before setHandler and replays it then.
 */
export type LiveTransport = PeerTransport & Discovery & { setHandler(h: TransportHandler): void };

/** What the platform gives the live node. */
export interface LiveEnv {
  post(m: WorkerToPage, transfer?: Transferable[]): void;
  /** the chain's stores (IndexedDB in the browser) */
  openStores(chainId: string): Promise<LiveStores>;
  openVault(): Promise<KeyVault>;
  /** navigator.locks; null where there are none (the tab then only watches) */
  locks: LockManagerLike | null;
  subtle: SubtleCrypto;
  random(bytes: Uint8Array): Uint8Array;
  transport(bridge: MessagePort, selfId: string): LiveTransport;
  clock: Clock & Scheduler;
  verifier(): Promise<Ed25519Verifier>;
  randInt(n: number): number;
  /** consensus timeouts (default CometBFT's) */
  config?: Partial<ConsensusConfig>;
  blockSync?: BlocksyncOptions;
  /** how often status and frames are looked at (ms; default 250, the live view keeps a frame per 250 ms) */
  tickMs?: number;
}

export const WHY_OTHER_TAB = 'another tab of this browser profile is this validator; this one only watches';
export const WHY_NO_LOCKS = 'this browser has no Web Locks, so this tab cannot make sure it is the only one signing with the validator key; it only watches';
export const WHY_NO_ED25519 = "this browser's WebCrypto has no Ed25519, so it cannot keep a validator key that scripts cannot read; this tab only watches";

const STORAGE_ERRORS = new Set(['QuotaExceededError', 'InvalidStateError', 'UnknownError', 'AbortError', 'DataError', 'VersionError', 'NotFoundError', 'ReadOnlyError', 'TransactionInactiveError', 'SecurityError']);

/** The plain words of a failure: a storage error says so, with the browser's own message. */
export function describeFailure(e: unknown, during: string): string {
  // DOMExceptions (what IndexedDB rejects with) carry a name and the browser's message
  const { name = '', message = String(e) } = (typeof e === 'object' && e !== null ? e : {}) as { name?: string; message?: string };
  if (name === 'QuotaExceededError') return `storage is full: the browser refused to store more (${message}); the node stopped`;
  if (name === 'ReferenceError' && /indexedDB/i.test(message)) return `this browser gives this page no IndexedDB (private browsing?): ${message}`;
  if (STORAGE_ERRORS.has(name)) return `storage failed ${during}: ${name}: ${message}; the node stopped`;
  return `${during}: ${message}`;
}

/** A signer with a fuse: once blown (the node failed), it refuses to sign anything more. */
function fusedSigner(inner: KeySigner, blown: () => string | null): KeySigner {
  return {
    pubKey: inner.pubKey,
    sign: (msg) => {
      const why = blown();
      return why ? Promise.reject(new Error(`not signing: ${why}`)) : inner.sign(msg);
    },
  };
}

export class LiveNode {
  private queue: Promise<void> = Promise.resolve();
  private phase: LivePhase = 'starting';
  private why: string | null = null;
  private observer = false;
  private chainId = '';
  private peerId = '';
  private address: Bytes | null = null;
  private validator: ValidatorKey | null = null;
  private privValidator: LocalPrivValidator | null = null;
  private stores: LiveStores | null = null;
  private assembled: AssembledNode | null = null;
  private missed: MissedBlocks | null = null;
  private readonly log = new EventLog();
  private frameDirty = false;
  private lastStatus = '';
  private readonly origin: number;
  private stopTick: (() => void) | null = null;
  private releaseLock: () => void = () => {};

  constructor(private readonly env: LiveEnv) {
    this.origin = env.clock.now();
  }

  /** Handles one message from the page, in order with the ones before it. */
  handle(msg: PageToWorker): Promise<void> {
    this.queue = this.queue
      .then(() => (msg.type === 'init' ? this.init(msg.genesisJson, msg.bridge) : this.command(msg)))
      .catch((e) => this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
    return this.queue;
  }

  /** The node, once assembled (tests). */
  get node(): AssembledNode | null {
    return this.assembled;
  }

  private post(m: WorkerToPage, transfer?: Transferable[]): void {
    this.env.post(m, transfer);
  }

  // ---- start ----

  private async init(genesisJson: string, bridge: MessagePort): Promise<void> {
    if (this.chainId) throw new Error('the live node is already started');
    let genesis: GenesisDoc;
    try {
      genesis = parseGenesis(genesisJson);
    } catch (e) {
      return this.fail(`the chain's genesis is not usable: ${(e as Error).message}`);
    }
    this.chainId = genesis.chainId;
    this.startTicking();
    let step = 'opening the key store';
    try {
      const vault = await this.env.openVault();
      step = 'taking the validator lock';
      const nodeKey = await this.takeKeys(vault);
      this.peerId = await peerIdOfNodeKey(nodeKey);
      // the page starts libp2p with it while we open the chain's stores
      this.post({ type: 'identity', nodeKey, peerId: this.peerId });
      step = 'opening the chain storage';
      this.stores = this.observer ? memoryStores() : await this.env.openStores(this.chainId);
      this.stores.onLost((why) => this.fail(why));
      step = 'starting the node';
      await this.assemble(genesis, bridge);
    } catch (e) {
      return this.fail(describeFailure(e, step));
    }
  }

  /** The lock decides: validator (stored keys, made on first visit) or observer (a throwaway node key). */
  private async takeKeys(vault: KeyVault): Promise<Uint8Array> {
    const lock = this.env.locks ? await takeValidatorLock(this.env.locks, this.chainId) : null;
    if (lock?.granted) {
      this.releaseLock = lock.release;
      try {
        this.validator = await loadOrCreateValidatorKey(vault, this.chainId, this.env.subtle);
        this.address = addressFromPubKey(this.validator.pubKey);
        return await loadOrCreateNodeKey(vault, this.chainId, this.env.random);
      } catch (e) {
        if ((e as Error).name !== 'NotSupportedError') throw e;
        lock.release();
        this.becomeObserver(WHY_NO_ED25519);
      }
    } else this.becomeObserver(lock ? WHY_OTHER_TAB : WHY_NO_LOCKS);
    const pub = await loadValidatorPubKey(vault, this.chainId).catch(() => null);
    if (pub) this.address = addressFromPubKey(pub);
    // a throwaway node key: the validator's tab has the stored one, and two tabs with one peer id
    // would knock each other off the network
    return this.env.random(new Uint8Array(32));
  }

  private becomeObserver(why: string): void {
    this.observer = true;
    this.why = why;
  }

  private async assemble(genesis: GenesisDoc, bridge: MessagePort): Promise<void> {
    const stores = this.stores!;
    const app = new KVStoreApp();
    if (this.validator) {
      this.privValidator = new LocalPrivValidator(fusedSigner(this.validator.signer, () => (this.phase === 'stopped' ? this.why : null)), stores.signState);
      await this.privValidator.load();
    }
    // createNode wants the transport; the transport's events want the switch createNode makes
    // (what the page says in between waits in the transport until setHandler)
    const transport = this.env.transport(bridge, this.peerId);
    const assembled = await createNode({
      name: this.peerId,
      genesis,
      config: { ...DEFAULT_CONSENSUS_CONFIG, ...this.env.config },
      privValidator: this.privValidator,
      stores: { wal: stores.wal, blockStore: stores.blockStore, stateStore: stores.stateStore },
      app,
      clock: this.env.clock,
      scheduler: this.env.clock,
      verifier: new SignatureCache(await this.env.verifier()),
      network: { transport, randInt: this.env.randInt, blockSync: this.env.blockSync ?? {}, pex: { discovery: transport } },
    });
    this.assembled = assembled;
    const { node, sw, blocksync, reactor } = assembled;
    const missed = (this.missed = new MissedBlocks(this.address ?? new Uint8Array(0)));
    const initial = stores.stateStore.load();
    if (initial) missed.noteState(initial);
    node.onEvent((e) => this.onNodeEvent(node, e));
    reactor?.onEvent((e) => {
      if (e.type !== 'messageIgnored') this.frameDirty = true;
    });
    blocksync?.onEvent((e) => {
      if (e.type === 'synced') {
        const s = stores.stateStore.load();
        if (s) missed.noteState(s);
        missed.noteBlock(e.height, stores.blockStore.loadBlock(e.height)?.lastCommit ?? null);
      }
      if (e.type === 'caughtUp') this.phase = 'consensus';
    });
    void node.wait().then(() => {
      if (this.phase !== 'stopped') this.fail(node.failure ? describeFailure(node.failure, 'consensus halted') : 'the node stopped');
    });
    transport.setHandler(sw!);
    await assembled.start();
    if (this.phase === 'starting') this.phase = blocksync?.syncing ? 'syncing' : 'consensus';
    this.tick();
  }

  private onNodeEvent(node: ConsensusNode, e: ConsensusEvent): void {
    this.log.push(projectEvent(this.peerId, e));
    this.frameDirty = true;
    const missed = this.missed!;
    if (!missed.knows(e.height)) {
      const v = node.getValidators();
      if (v.height === e.height) missed.noteSet(v.height, v.validators.map((x) => x.address));
    }
    if (e.type === 'NewBlock') missed.noteBlock(e.block.header.height, e.block.lastCommit);
  }

  // ---- failure ----

  /**
   * Stops at once and says why: the engine's loop, every reactor and the peers; the signer's fuse
   * is blown, so nothing is signed or sent after this. The database stays open for reading, so
   * the WAL of what went wrong can still be exported.
   */
  private fail(why: string): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    this.why = why;
    this.stopTick?.();
    try {
      this.assembled?.stop();
      this.assembled?.sw?.stop();
    } finally {
      this.sendStatus(true);
    }
  }

  // ---- commands ----

  private async command(cmd: LiveCommand): Promise<void> {
    switch (cmd.type) {
      case 'becomeValidator':
        return this.becomeValidator(cmd.power);
      case 'exportWal': {
        if (!this.stores) throw new Error('the node has no storage open yet');
        const bytes = await this.stores.exportWal();
        return this.post({ type: 'wal', bytes }, [bytes.buffer as ArrayBuffer]);
      }
      default:
        // play, pause, step, speed, seek, select: a live network cannot be paused; the page
        // freezes and moves its views over the history it keeps
        return;
    }
  }

  private becomeValidator(power: number): void {
    if (this.phase === 'stopped') throw new Error(`the node is stopped: ${this.why}`);
    if (this.observer || !this.validator) throw new Error(`this tab cannot become a validator: ${this.why}`);
    if (!this.assembled) throw new Error('the node is still starting; try again in a moment');
    if (!Number.isSafeInteger(power) || power < 0) throw new Error(`power must be a whole number of at least 0 (0 leaves the validator set), got ${power}`);
    const err = this.assembled.node.submitTx(validatorTx(this.validator.pubKey, BigInt(power)));
    if (err) throw new Error(`the validator transaction was refused: ${err}`);
  }

  // ---- status and frames ----

  private startTicking(): void {
    const { clock } = this.env;
    const every = this.env.tickMs ?? 250;
    const loop = () => {
      this.tick();
      handle = clock.after(every, loop);
    };
    let handle = clock.after(every, loop);
    this.stopTick = () => handle.cancel();
  }

  /** Stops the node, closes its storage and lets the lock go (the worker is closing; tests). */
  dispose(): void {
    this.fail('the tab closed the node');
    this.stores?.close();
    this.releaseLock();
  }

  private tick(): void {
    this.sendStatus(false);
    if (this.phase === 'consensus' && (this.frameDirty || this.log.hasPending)) this.sendFrame();
  }

  /** The consensus view of the current height: its number and validator set (null before consensus runs). */
  private consensusView(): { height: number; validators: { address: Bytes; votingPower: bigint }[] } | null {
    if (this.phase !== 'consensus' || !this.assembled) return null;
    try {
      return this.assembled.node.getValidators();
    } catch {
      return null; // the engine is between SwitchToConsensus and its first step
    }
  }

  status(): LiveStatus {
    const a = this.assembled;
    const committed = this.stores?.blockStore.height() ?? 0;
    const view = this.consensusView();
    const vals = view?.validators ?? (this.phase === 'syncing' || this.phase === 'starting' ? (this.stores?.stateStore.load()?.validators.validators ?? []) : []);
    const ours = this.address && vals.find((v) => bytesEqual(v.address, this.address!));
    const power = ours ? ours.votingPower : 0n;
    const s = this.privValidator?.lastSignState();
    const lastSigned: LastSigned | null = s && s.height > 0 ? { height: s.height, round: s.round, step: s.step } : null;
    return {
      stage: liveStage(this.phase, this.observer, power),
      why: this.why,
      chainId: this.chainId,
      peerId: this.peerId,
      address: this.address ? toHex(this.address).toUpperCase() : '',
      power: power.toString(),
      height: view?.height ?? committed + 1,
      committed,
      lastSigned,
      missedBlocks: this.missed?.count ?? 0,
      peers: a?.sw?.peers() ?? [],
    };
  }

  /** Posts the status when it changed (or always, `force`). */
  private sendStatus(force: boolean): void {
    let status: LiveStatus;
    try {
      status = this.status();
    } catch (e) {
      status = { ...this.fallbackStatus(), why: `status: ${(e as Error).message}` };
    }
    const json = JSON.stringify(status);
    if (!force && json === this.lastStatus) return;
    this.lastStatus = json;
    this.post({ type: 'status', status });
  }

  private fallbackStatus(): LiveStatus {
    return { stage: liveStage(this.phase, this.observer, 0n), why: this.why, chainId: this.chainId, peerId: this.peerId, address: '', power: '0', height: 0, committed: 0, lastSigned: null, missedBlocks: 0, peers: [] };
  }

  /** The frame the views draw: us (with our RoundState) and each peer as our reactor knows it. */
  frame(): Frame | null {
    const a = this.assembled;
    if (!a || this.phase !== 'consensus') return null;
    const committed = this.stores!.blockStore.height();
    const address = this.observer ? undefined : (this.address ?? undefined);
    let us: NodeSummary;
    let roundState: Frame['roundState'];
    try {
      us = projectNode(a.node, {
        id: this.peerId,
        index: 0,
        name: 'this tab',
        committed,
        address,
        idOfAddress: (x) => (address && bytesEqual(x, address) ? this.peerId : null),
      });
      roundState = projectRoundState(a.node);
    } catch {
      return null; // no RoundState yet
    }
    const peers = projectPeers(a.reactor);
    const now = this.env.clock.now();
    return {
      origin: this.origin,
      t: now - this.origin,
      steps: this.log.count,
      nodes: [us, ...peers.map(peerSummary)],
      selected: this.peerId,
      roundState,
      peers,
      partition: null,
      inFlight: [],
      faults: [],
      checks: [],
      logHash: '',
    };
  }

  private sendFrame(): void {
    const frame = this.frame();
    if (!frame) return;
    this.frameDirty = false;
    const { reset, events } = this.log.take();
    this.post({ type: 'frame', reset, events, frame, playing: true });
  }
}
