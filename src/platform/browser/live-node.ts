// The live node of a browser tab (issue 13), as its Web Worker runs it: the node assembled by
// createNode over the page's libp2p (through the bridge port), its start and failure, the page's
// commands, and when the page is sent a status and a frame. The worker entry (live.worker.ts) only
// passes messages; everything platform-specific (IndexedDB, Web Locks, the port transport) comes
// in through LiveEnv, so Vitest runs this file with memory stores and a stand-in transport.
//
// Beside it: live-stores.ts (IndexedDB, or memory for an observer), live-keys.ts (the validator
// lock and keys), live-report.ts (what the page is shown: stage, missed blocks, status, frames).
import type { Bytes } from '../../core/types.js';
import type { GenesisDoc } from '../../core/state/genesis.js';
import { parseGenesis } from '../../core/state/genesis.js';
import { KVStoreApp, validatorTx } from '../../core/app/kvstore.js';
import type { ConsensusConfig } from '../../core/consensus/config.js';
import { DEFAULT_CONSENSUS_CONFIG } from '../../core/consensus/config.js';
import type { ConsensusEvent } from '../../core/consensus/io.js';
import type { AssembledNode } from '../../node/create-node.js';
import { createNode } from '../../node/create-node.js';
import type { ConsensusNode } from '../../node/node.js';
import { LocalPrivValidator } from '../../node/priv-validator.js';
import type { Clock, Scheduler } from '../../node/ports.js';
import { SignatureCache } from '../../node/signature-cache.js';
import type { PeerTransport, TransportHandler } from '../../node/switch.js';
import type { Discovery } from '../../node/pex-reactor.js';
import type { BlocksyncOptions } from '../../node/blocksync-reactor.js';
import type { Ed25519Verifier } from '../../core/crypto/ed25519.js';
import type { LiveCommand, LiveStatus } from '../../observe/live.js';
import type { Frame } from '../../observe/model.js';
import { projectEvent } from '../../observe/project.js';
import type { PageToWorker, WorkerToPage } from './live-protocol.js';
import type { KeyVault, LockManagerLike, ValidatorKey } from './browser-keys.js';
import { peerIdOfNodeKey, whenValidatorLockFree } from './browser-keys.js';
import type { LiveStores } from './live-stores.js';
import { memoryStores } from './live-stores.js';
import { WHY_OTHER_TAB, WHY_VALIDATOR_LEFT, fusedSigner, takeKeys } from './live-keys.js';
import type { LivePhase, Reported } from './live-report.js';
import { EventLog, MissedBlocks, PeerSteps, describeFailure, fallbackStatus, frameOf, statusOf } from './live-report.js';

/**
 * The worker's side of the page's libp2p (port-transport.ts's PortTransport), or a test's
 * stand-in. It holds what the page reports before setHandler and replays it then.
 */
export type LiveTransport = PeerTransport & Discovery & { setHandler(h: TransportHandler): void };

/** How long a freed validator lock is watched before the validator's tab is taken for closed (a reload takes it back sooner). */
const RELOAD_GRACE_MS = 3000;

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
  private readonly peerSteps = new PeerSteps();
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

  /** The lock decides (live-keys.ts): this tab is the validator, or only watches and says why. */
  private async takeKeys(vault: KeyVault): Promise<Uint8Array> {
    const keys = await takeKeys(this.env, vault, this.chainId, (release) => (this.releaseLock = release));
    this.validator = keys.validator;
    this.address = keys.address;
    if (keys.observerWhy !== null) {
      this.observer = true;
      this.why = keys.observerWhy;
    }
    // watching because another tab signs: once that tab closes, say so (it said so until a reload)
    if (keys.observerWhy === WHY_OTHER_TAB && this.env.locks) {
      const later = (fn: () => void) => void this.env.clock.after(RELOAD_GRACE_MS, fn);
      whenValidatorLockFree(this.env.locks, this.chainId, later, () => {
        if (this.phase !== 'stopped') this.why = WHY_VALIDATOR_LEFT;
      });
    }
    return keys.nodeKey;
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
      if (e.type === 'messageIgnored') return;
      this.frameDirty = true;
      if (e.type === 'peerDropped') return this.peerSteps.forget(e.peerId);
      const prs = reactor.peerStates().get(e.peerId)?.prs;
      const step = prs && this.peerSteps.note(e.peerId, prs, this.env.clock.now());
      if (step) this.log.push(step);
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
    // the height as nonce: asking again after the hub removed this tab is a new tx, not its first join's
    const node = this.assembled.node;
    const err = node.submitTx(validatorTx(this.validator.pubKey, BigInt(power), node.getRoundStateSimple().height));
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

  /** What live-report.ts reads the status and frames from. */
  private get reported(): Reported {
    return { phase: this.phase, observer: this.observer, why: this.why, chainId: this.chainId, peerId: this.peerId, address: this.address, stores: this.stores, assembled: this.assembled, privValidator: this.privValidator, missed: this.missed };
  }

  status(): LiveStatus {
    return statusOf(this.reported);
  }

  /** Posts the status when it changed (or always, `force`). */
  private sendStatus(force: boolean): void {
    let status: LiveStatus;
    try {
      status = this.status();
    } catch (e) {
      status = { ...fallbackStatus(this.reported), why: `status: ${(e as Error).message}` };
    }
    const json = JSON.stringify(status);
    if (!force && json === this.lastStatus) return;
    this.lastStatus = json;
    this.post({ type: 'status', status });
  }

  /** The frame the views draw: us (with our RoundState) and each peer as our reactor knows it. */
  frame(): Frame | null {
    return frameOf(this.reported, this.origin, this.env.clock.now(), this.log.count);
  }

  private sendFrame(): void {
    const frame = this.frame();
    if (!frame) return;
    this.frameDirty = false;
    const { reset, events } = this.log.take();
    this.post({ type: 'frame', reset, events, frame, playing: true });
  }
}

