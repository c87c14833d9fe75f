// The live node's part of the protocol (a browser tab that is a node of a real testnet): its
// frames are the common ones (./protocol.ts); it adds the node's status, becoming a validator
// and exporting its WAL. A live network cannot be paused: play/pause/seek only freeze and move
// the views over the history the page keeps.
import type { NodeId } from './model.js';
import type { PlaybackCommand, SourceMessage } from './protocol.js';

export type LiveCommand =
  | PlaybackCommand
  /** send the validator-update transaction (our key, `power`) through the mempool */
  | { type: 'becomeValidator'; power: number }
  /** the node's WAL as a CometBFT WAL file */
  | { type: 'exportWal' };

/** Where the tab's node is on its way from a URL to a validator. */
export type LiveStage =
  /** opening storage, keys, the hub */
  | 'starting'
  /** block-syncing to the head */
  | 'syncing'
  /** following consensus, not in the validator set */
  | 'full node'
  /** in the validator set: it signs */
  | 'validator'
  /** another tab holds this profile's validator key: this one only watches (`why` says so) */
  | 'observer'
  /** it stopped: storage failed, consensus halted (`why` says what) */
  | 'stopped';

/** The last vote or proposal the tab signed (from its PrivValidator's sign state). */
export interface LastSigned {
  height: number;
  round: number;
  /** 1 proposal, 2 prevote, 3 precommit (CometBFT's sign-state step) */
  step: number;
}

/** What the worker knows of its node; the page adds what only it knows (peer transports, RTT). */
export interface LiveStatus {
  stage: LiveStage;
  /** why a tab is an observer or stopped; null otherwise */
  why: string | null;
  chainId: string;
  /** our libp2p peer id (from the node key) */
  peerId: NodeId;
  /** our validator address (hex, upper case as CometBFT prints it) */
  address: string;
  /** our voting power at the current height ("0" when not a validator); int64 as a string */
  power: string;
  /** the height being decided, and the last one committed or synced */
  height: number;
  committed: number;
  lastSigned: LastSigned | null;
  /** committed blocks since we became a validator whose LastCommit lacks our precommit */
  missedBlocks: number;
  /** peers the node's Switch has (ids); the page knows their transport and round-trip time */
  peers: NodeId[];
}

export type LiveMessage =
  | SourceMessage
  | { type: 'status'; status: LiveStatus }
  /** a WAL file: raw bytes to save, not an observation */
  | { type: 'wal'; bytes: Uint8Array };

/** How the page reaches a peer (shown in the peers table). */
export type PeerTransportKind = 'websockets' | 'webrtc' | 'relayed' | 'tcp';

/** What only the page knows of a peer: its connection (its libp2p lives on the main thread). */
export interface PeerStat {
  id: string;
  transport: PeerTransportKind;
  /** last ping round trip in ms; null before the first */
  rttMs: number | null;
  bytesIn: number;
  bytesOut: number;
}
