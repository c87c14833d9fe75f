// createNode: the one place a node is assembled — handshake with the app, the engine's loop, and
// (over a peer transport) a Switch with the consensus and mempool reactors. The simulator, the CLI and the
// browser worker all build nodes here and differ only in the ports they pass.
import type { Application } from '../core/app/application.js';
import type { RandInt } from '../core/bits/bit-array.js';
import type { ConsensusConfig } from '../core/consensus/config.js';
import type { GenesisDoc } from '../core/state/genesis.js';
import type { ChainState } from '../core/state/chain-state.js';
import { handshake } from './handshake.js';
import { ConsensusNode } from './node.js';
import type { PrivValidator } from './priv-validator.js';
import type { ReactorOptions } from './reactor.js';
import { ConsensusReactor } from './reactor.js';
import type { MempoolReactorOptions } from './mempool-reactor.js';
import { MempoolReactor } from './mempool-reactor.js';
import type { BlockStore, Clock, ConsensusNetwork, Scheduler, StateStore, WAL } from './ports.js';
import type { SignatureCache } from './signature-cache.js';
import type { PeerTransport } from './switch.js';
import { Switch } from './switch.js';
import type { BlocksyncOptions } from './blocksync-reactor.js';
import type { Discovery, PexReactorOptions } from './pex-reactor.js';
import { PexReactor } from './pex-reactor.js';
import { BlocksyncReactor } from './blocksync-reactor.js';
import { bytesEqual } from '../core/bytes.js';

export interface NodeStores {
  wal: WAL;
  blockStore: BlockStore;
  stateStore: StateStore;
}

export interface CreateNodeOptions {
  name: string;
  genesis: GenesisDoc;
  config: ConsensusConfig;
  /** Our signing key behind the PrivValidator rules; null for a full node. */
  privValidator: PrivValidator | null;
  stores: NodeStores;
  app: Application;
  clock: Clock;
  scheduler: Scheduler;
  verifier: SignatureCache;
  /**
   * Gossip over a peer transport (a Switch and the consensus reactor), or `direct`: our own
   * messages handed to a broadcaster with no reactor (the simulator's simplest model).
   */
  network:
    | {
        transport: PeerTransport;
        randInt: RandInt;
        reactor?: ReactorOptions;
        mempool?: MempoolReactorOptions;
        /** Serve blocks on 0x40, and block-sync to our peers' height before consensus starts. */
        blockSync?: BlocksyncOptions;
        /** Peer exchange on 0x00 through a transport that can dial (libp2p, the page's bridge). */
        pex?: { discovery: Discovery; options?: PexReactorOptions };
      }
    | { direct: ConsensusNetwork };
}

export interface AssembledNode {
  node: ConsensusNode;
  /** The switch the transport must report peers and bytes to (null with direct delivery). */
  sw: Switch | null;
  reactor: ConsensusReactor | null;
  /** Tx gossip on 0x30 (null with direct delivery). */
  mempoolReactor: MempoolReactor | null;
  /** Block sync on 0x40 (when asked for). */
  blocksync: BlocksyncReactor | null;
  /** Peer exchange on 0x00 (when asked for). */
  pex: PexReactor | null;
  /** Starts the node: block sync first when there is one (consensus follows once caught up), else consensus. */
  start(): Promise<void>;
  /** Stops the engine and every reactor's routines (the transport is the caller's). */
  stop(): void;
}

/** Brings the app to the stores' height (Handshaker) and wires the node; it is not started yet. */
export async function createNode(o: CreateNodeOptions): Promise<AssembledNode> {
  const state = await handshake(o.app, o.genesis, o.stores.blockStore, o.stores.stateStore);
  let reactor: ConsensusReactor | null = null;
  const network: ConsensusNetwork =
    'direct' in o.network
      ? o.network.direct
      : {
          broadcast: (msg) => reactor?.broadcast(msg),
          publish: (msg) => reactor?.publish(msg),
          stopPeer: (peerId, reason) => reactor?.stopPeer(peerId, reason),
        };
  const node = new ConsensusNode({
    name: o.name,
    state,
    config: o.config,
    app: o.app,
    privValidator: o.privValidator,
    ...o.stores,
    clock: o.clock,
    scheduler: o.scheduler,
    network,
    signatures: o.verifier,
  });
  if ('direct' in o.network) return { node, sw: null, reactor: null, mempoolReactor: null, blocksync: null, pex: null, start: () => node.start(), stop: () => node.stop() };
  const sw = new Switch(o.network.transport);
  const syncFirst = o.network.blockSync !== undefined && !onlyValidatorIsUs(state, o.privValidator);
  const r = (reactor = new ConsensusReactor(node, o.stores.blockStore, sw, o.scheduler, o.clock, o.network.randInt, { ...o.network.reactor, waitSync: syncFirst }));
  sw.addReactor(reactor);
  const mempoolReactor = new MempoolReactor(
    { submitTx: (tx) => node.submitTx(tx), pendingTxs: () => node.mempool.reap(Number.MAX_SAFE_INTEGER) },
    sw,
    o.scheduler,
    o.network.mempool,
  );
  node.onTxAccepted = (tx) => mempoolReactor.txAccepted(tx);
  sw.addReactor(mempoolReactor);
  let blocksync: BlocksyncReactor | null = null;
  if (o.network.blockSync) {
    blocksync = new BlocksyncReactor(
      {
        ...o.stores,
        app: o.app,
        signatures: o.verifier,
        mempool: node.mempool,
        sw,
        scheduler: o.scheduler,
        clock: o.clock,
        randInt: o.network.randInt,
        switchToConsensus: async (synced, n) => {
          await node.switchToConsensus(synced, n);
          r.switchToConsensus();
        },
        fail: (e) => node.halt(e),
      },
      state,
      o.network.blockSync,
    );
    sw.addReactor(blocksync);
  }
  const pex = o.network.pex ? new PexReactor(o.network.pex.discovery, sw, { now: () => o.clock.now(), after: (ms, fn) => o.scheduler.after(ms, fn) }, o.network.pex.options) : null;
  if (pex) sw.addReactor(pex);
  const start = async () => {
    pex?.start();
    if (syncFirst) blocksync!.start();
    else await node.start();
  };
  const stop = () => {
    pex?.stop();
    blocksync?.stop();
    node.stop();
    r.stop();
  };
  return { node, sw, reactor, mempoolReactor, blocksync, pex, start, stop };
}

/** [CMT] onlyValidatorIsUs: a chain we alone validate has nobody to sync from. */
function onlyValidatorIsUs(state: ChainState, pv: PrivValidator | null): boolean {
  const vals = state.validators.validators;
  return pv !== null && vals.length === 1 && bytesEqual(vals[0].address, pv.address);
}
