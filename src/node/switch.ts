// The Switch (CometBFT's p2p.Switch, reduced): one peer transport, many reactors, each owning its
// channels. The transport reports peers coming and going and hands over bytes per channel; the
// switch routes them to the reactor of that channel, and reactors send and stop peers through it.
// Consensus owns 0x20–0x23; block sync (0x40) and the mempool (0x30) plug in the same way.

/** The outbound half a transport implements: libp2p streams, or the simulator's links. */
export interface PeerTransport {
  /** Queues bytes for a peer; false when the peer is gone or its queue is full (TrySend). */
  send(peerId: string, channel: number, bytes: Uint8Array): boolean;
  disconnect(peerId: string, reason: string): void;
}

/** The inbound half: what a transport calls on the switch. */
export interface TransportHandler {
  peerConnected(peerId: string): void;
  peerDisconnected(peerId: string, reason: string): void;
  receive(peerId: string, channel: number, bytes: Uint8Array): void;
}

/** A reactor's view of the switch. */
export interface PeerSender {
  send(peerId: string, channel: number, bytes: Uint8Array): boolean;
  /** StopPeerForError: disconnect the peer; every reactor hears removePeer. */
  stopPeerForError(peerId: string, reason: string): void;
}

/** CometBFT's Reactor interface: the channels it owns and what it hears about peers. */
export interface Reactor {
  readonly channels: readonly number[];
  addPeer(peerId: string): void;
  removePeer(peerId: string, reason: string): void;
  /** Bytes from a peer on one of our channels; must not throw (drop the peer instead). */
  receive(channel: number, peerId: string, bytes: Uint8Array): void;
}

export class Switch implements TransportHandler, PeerSender {
  private readonly reactors: Reactor[] = [];
  private readonly byChannel = new Map<number, Reactor>();
  private readonly connected = new Set<string>();

  constructor(private readonly transport: PeerTransport) {}

  addReactor(reactor: Reactor): void {
    for (const ch of reactor.channels) {
      if (this.byChannel.has(ch)) throw new Error(`channel 0x${ch.toString(16)} has a reactor already`);
      this.byChannel.set(ch, reactor);
    }
    this.reactors.push(reactor);
    for (const p of this.connected) reactor.addPeer(p);
  }

  peers(): string[] {
    return [...this.connected];
  }

  peerConnected(peerId: string): void {
    if (this.connected.has(peerId)) return;
    this.connected.add(peerId);
    for (const r of this.reactors) {
      // a reactor's greeting may have broken the connection already (every reactor has heard
      // removePeer): the rest must not add a peer that is gone
      if (!this.connected.has(peerId)) return;
      r.addPeer(peerId);
    }
  }

  peerDisconnected(peerId: string, reason: string): void {
    if (!this.connected.delete(peerId)) return;
    for (const r of this.reactors) r.removePeer(peerId, reason);
  }

  receive(peerId: string, channel: number, bytes: Uint8Array): void {
    if (!this.connected.has(peerId)) return;
    const reactor = this.byChannel.get(channel);
    if (!reactor) return this.stopPeerForError(peerId, `message on unknown channel 0x${channel.toString(16)}`);
    reactor.receive(channel, peerId, bytes);
  }

  send(peerId: string, channel: number, bytes: Uint8Array): boolean {
    return this.connected.has(peerId) && this.transport.send(peerId, channel, bytes);
  }

  stopPeerForError(peerId: string, reason: string): void {
    if (!this.connected.has(peerId)) return;
    this.transport.disconnect(peerId, reason);
    this.peerDisconnected(peerId, reason);
  }

  /** Leaves every peer (the node stops). */
  stop(): void {
    for (const p of [...this.connected]) this.peerDisconnected(p, 'stopping');
  }
}
