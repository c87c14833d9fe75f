// The worker's PeerTransport: the node's Switch and peer exchange talk to the page's libp2p
// (page-transport.ts) through the bridge port (bridge-protocol.ts; the page's end is
// page-bridge.ts). Everything here is synchronous, as the Switch wants: `send` answers from the
// credit the page granted, `addrsOf` from the addresses the page pushed; only `dial` waits for the
// page's answer.
//
// What goes to the page is copied by postMessage (structured clone), not transferred: a reactor
// may send one encoded message to many peers, and a transferred buffer would be gone after the
// first. What comes from the page is transferred (page-bridge.ts): those buffers are fresh.
import type { PeerTransport, TransportHandler } from '../../node/switch.js';
import type { Discovery } from '../../node/pex-reactor.js';
import type { PageOp, WorkerOp } from './bridge-protocol.js';
import { Outbox } from './bridge-protocol.js';

interface RemotePeer {
  session: number;
  addrs: string[];
  /** messages the page's queue still takes, by channel */
  credit: Map<number, number>;
}

export class PortTransport implements PeerTransport, Discovery {
  private handler: TransportHandler | null = null;
  /** ops that arrived before `setHandler` (the page may start first) */
  private early: PageOp[] | null = [];
  private readonly peers = new Map<string, RemotePeer>();
  private readonly dials = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextDial = 1;
  private readonly out: Outbox<WorkerOp>;
  private closed = false;
  private readonly onMessage = (e: MessageEvent<PageOp[]>) => {
    if (this.early) this.early.push(...e.data);
    else for (const op of e.data) this.apply(op);
  };

  constructor(
    private readonly port: MessagePort,
    readonly selfId: string,
  ) {
    this.out = new Outbox(port);
    port.addEventListener('message', this.onMessage);
    port.start();
  }

  /** Where peers and bytes go: the node's Switch. What the page said before this is replayed now. */
  setHandler(handler: TransportHandler): void {
    this.handler = handler;
    const early = this.early ?? [];
    this.early = null;
    for (const op of early) this.apply(op);
  }

  /** TrySend: false for a peer we do not have, a channel it lacks, or no credit left. */
  send(peerId: string, channel: number, bytes: Uint8Array): boolean {
    const peer = this.peers.get(peerId);
    const credit = peer?.credit.get(channel) ?? 0;
    if (!peer || credit <= 0) return false;
    peer.credit.set(channel, credit - 1);
    // a view of part of a larger buffer would clone all of it: copy just the message, and move that
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const msg = own ? bytes : bytes.slice();
    this.out.push({ op: 'send', peer: peerId, session: peer.session, channel, bytes: msg }, own ? undefined : (msg.buffer as ArrayBuffer));
    return true;
  }

  /** Drops the peer here at once (the handler hears it) and asks the page to hang up. */
  disconnect(peerId: string, reason: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    this.out.push({ op: 'disconnect', peer: peerId, session: peer.session, reason });
    this.handler?.peerDisconnected(peerId, reason);
  }

  /** Discovery: the page dials; resolves when it has a connection, rejects with its reason. */
  dial(addr: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the bridge is closed'));
    const id = this.nextDial++;
    return new Promise<void>((resolve, reject) => {
      this.dials.set(id, { resolve, reject });
      this.out.push({ op: 'dial', id, addr });
    });
  }

  /** Discovery: a connected peer's listen addresses, as the page last told them. */
  addrsOf(peerId: string): string[] {
    return [...(this.peers.get(peerId)?.addrs ?? [])];
  }

  /** Discovery: peers connected (the page admits no more than its maxPeers). */
  connectedCount(): number {
    return this.peers.size;
  }

  connectedPeers(): string[] {
    return [...this.peers.keys()];
  }

  /** Stops listening: pending dials fail, peers are forgotten (the Switch is stopping too). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.removeEventListener('message', this.onMessage);
    this.port.close();
    this.peers.clear();
    for (const d of this.dials.values()) d.reject(new Error('the bridge is closed'));
    this.dials.clear();
  }

  private apply(op: PageOp): void {
    if (this.closed) return;
    const h = this.handler!;
    switch (op.op) {
      case 'connected': {
        // a new session replaces an old one we have not heard the end of (its ops are stale)
        if (this.peers.has(op.peer)) h.peerDisconnected(op.peer, 'reconnected');
        this.peers.set(op.peer, { session: op.session, addrs: op.addrs, credit: new Map(op.credit) });
        h.peerConnected(op.peer);
        return;
      }
      case 'disconnected': {
        if (this.peers.get(op.peer)?.session !== op.session) return; // we dropped it first
        this.peers.delete(op.peer);
        h.peerDisconnected(op.peer, op.reason);
        return;
      }
      case 'addrs': {
        const peer = this.peers.get(op.peer);
        if (peer?.session === op.session) peer.addrs = op.addrs;
        return;
      }
      case 'receive': {
        if (this.peers.get(op.peer)?.session === op.session) h.receive(op.peer, op.channel, op.bytes);
        return;
      }
      case 'credit': {
        const peer = this.peers.get(op.peer);
        if (peer?.session === op.session) peer.credit.set(op.channel, (peer.credit.get(op.channel) ?? 0) + op.n);
        return;
      }
      case 'dialed': {
        const d = this.dials.get(op.id);
        this.dials.delete(op.id);
        if (op.error === null) d?.resolve();
        else d?.reject(new Error(op.error));
        return;
      }
    }
  }
}
