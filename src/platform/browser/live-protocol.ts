// How the page and the live node's worker talk (issue 13: a validator in a browser tab).
//
// WebRTC does not exist in workers, so libp2p runs on the page's main thread and the node (engine,
// reactors, IndexedDB stores, keys) in a worker. Two channels join them:
//   - the worker's own port: this protocol — the page starts the node with the chain's genesis and
//     a second port for the transport bridge; the worker answers with the node key (the page's
//     libp2p identity) and then observation frames and statuses (observe/live.ts);
//   - the bridge port: bytes per peer and channel between the page's libp2p transport and the
//     worker's Switch, with backpressure (port-transport.ts / page-bridge.ts).
import type { LiveCommand, LiveMessage } from '../../observe/live.js';
export type { PeerStat, PeerTransportKind } from '../../observe/live.js';

export type PageToWorker =
  /** first message: the chain to join and the bridge port (transferred) */
  | { type: 'init'; genesisJson: string; bridge: MessagePort }
  | LiveCommand;

export type WorkerToPage =
  | LiveMessage
  /** the node key's 32-byte Ed25519 seed, from IndexedDB (made on first visit): the page's libp2p identity */
  | { type: 'identity'; nodeKey: Uint8Array; peerId: string };
