// The node's PeerTransport over js-libp2p: TCP and WebSockets listeners, noise, yamux, identify
// (and identify push, so a peer's new addresses reach us), ping, and on the hub a circuit-relay-v2
// server (browsers reserve a slot there and are reached through it). Everything past making the
// libp2p node — channel streams, queues, redial, Discovery — is platform/shared/libp2p-transport.ts,
// which the page's transport (platform/browser/page-transport.ts) shares.
import './polyfills.js';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { noise } from '@libp2p/noise';
import { yamux } from '@libp2p/yamux';
import { identify, identifyPush } from '@libp2p/identify';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { ping } from '@libp2p/ping';
import type { Libp2pPeerTransportOptions } from '../shared/libp2p-transport.js';
import { DEFAULT_MAX_PEERS, Libp2pPeerTransport, peerIdOfNodeKey, privateKeyOfNodeKey } from '../shared/libp2p-transport.js';

export { channelProtocol, DEFAULT_MAX_PEERS } from '../shared/libp2p-transport.js';

export interface Libp2pTransportOptions extends Libp2pPeerTransportOptions {
  /** The node key's 32-byte Ed25519 seed: our libp2p identity. */
  nodeKey: Uint8Array;
  /** Listen multiaddrs (default: TCP and WebSockets on 127.0.0.1, ephemeral ports). */
  listen?: string[];
  /**
   * Serve circuit relay v2 (the hub): peers, browsers above all, reserve a slot and are reached at
   * <our address>/p2p-circuit/p2p/<their id>. At most `maxPeers` reservations.
   */
  relayServer?: boolean;
}

export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'];

export class Libp2pTransport extends Libp2pPeerTransport {
  static async create(o: Libp2pTransportOptions): Promise<Libp2pTransport> {
    const privateKey = await privateKeyOfNodeKey(o.nodeKey);
    const maxPeers = o.maxPeers ?? DEFAULT_MAX_PEERS;
    const relay = o.relayServer ? { relay: circuitRelayServer({ reservations: { maxReservations: maxPeers } }) } : {};
    const libp2p = await createLibp2p({
      privateKey,
      start: false,
      addresses: { listen: o.listen ?? DEFAULT_LISTEN },
      transports: [tcp(), webSockets()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), identifyPush: identifyPush(), ping: ping(), ...relay },
      // room for both halves of a simultaneous dial; our own cap is on peers, below
      connectionManager: { maxConnections: 2 * maxPeers + 4 },
    });
    return new Libp2pTransport(libp2p, o);
  }

  /** The libp2p peer id of a node key, without starting anything. */
  static async peerIdOf(nodeKey: Uint8Array): Promise<string> {
    return peerIdOfNodeKey(nodeKey);
  }
}
