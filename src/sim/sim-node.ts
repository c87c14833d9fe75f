// A simulated node and the two narrow views of a run that the faults and the checkers get, in a
// module of their own so that simulation, faults and checkers do not import one another.
import type { BlockID, Bytes, Vote } from '../core/types.js';
import type { ConsensusConfig } from '../core/consensus/config.js';
import type { ConsensusEvent } from '../core/consensus/io.js';
import type { GenesisDoc } from '../core/state/genesis.js';
import type { KVStoreApp } from '../core/app/kvstore.js';
import type { ConsensusNode } from '../node/node.js';
import type { ConsensusReactor } from '../node/reactor.js';
import type { MemoryBlockStore, MemoryStateStore, MemoryWAL } from '../node/memory-stores.js';
import type { MemoryPrivValidatorStateStore } from '../node/priv-validator.js';
import type { SignatureCache } from '../node/signature-cache.js';
import type { VirtualClock } from './clock.js';
import type { SimNetwork } from './network.js';

export interface SimNode {
  index: number;
  name: string;
  seed: Bytes;
  pubKey: Bytes;
  address: Bytes;
  node: ConsensusNode | null;
  reactor: ConsensusReactor | null;
  app: KVStoreApp;
  wal: MemoryWAL;
  blockStore: MemoryBlockStore;
  stateStore: MemoryStateStore;
  privvalStore: MemoryPrivValidatorStateStore;
  /** Rewrites our own votes before signing (Byzantine behaviours: amnesia, forced nil precommit). */
  voteTransform: ((vote: Vote) => Vote) | null;
  /** Transactions a Byzantine proposer puts in its blocks whatever its app says (`proposeTxs`). */
  proposeTxs: Bytes[] | null;
  /** Its signature verdicts (shared by every node unless `sharedVerification` is false). */
  signatures: SignatureCache | null;
  crashes: number;
}

export interface SignedRecord {
  validator: number;
  kind: 'vote' | 'proposal';
  height: number;
  round: number;
  type: number;
  blockId: BlockID;
  signature: Uint8Array;
}

/** What the faults may see and do of a run. */
export interface FaultHost {
  readonly clock: VirtualClock;
  readonly network: SimNetwork;
  readonly nodes: readonly SimNode[];
  readonly genesis: GenesisDoc;
  readonly gossiping: boolean;
  /** Validators known to be faulty; Byzantine faults add theirs. */
  readonly faulty: Set<number>;
  /** Timers fired so far (the clock of a person's actions). */
  readonly steps: number;
  onEvent(fn: (rec: { node: string; event: ConsensusEvent }) => void): void;
  crashNode(i: number): void;
  startNode(i: number): Promise<void>;
}

/** What the checkers read of a run. */
export interface CheckedRun {
  readonly nodes: readonly SimNode[];
  readonly genesis: GenesisDoc;
  readonly config: ConsensusConfig;
  readonly opts: { readonly heights: number };
  readonly signed: readonly SignedRecord[];
  readonly faulty: ReadonlySet<number>;
  readonly faults: { readonly lastHealAt: number; readonly startedAt: number };
  readonly commitTimes: ReadonlyMap<string, number[]>;
  readonly gossiping: boolean;
  readonly clock: { now(): number };
  correctIndices(): number[];
  liveCorrect(): number[];
  committedHeight(i: number): number;
}
