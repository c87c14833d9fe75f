// The page's end of the transport bridge (bridge-protocol.ts): what the page's libp2p transport
// hears goes to the worker's PortTransport, and what the worker's Switch sends and dials comes
// back to the transport. The page keeps no queue of its own: the transport's send queues are the
// only ones, and the worker's credit mirrors them.
import type { TransportHandler } from '../../node/switch.js';
import type { ChannelDescriptor } from '../../node/channel-descriptors.js';
import type { TransportObserver } from '../shared/libp2p-transport.js';
import type { PageOp, WorkerOp } from './bridge-protocol.js';
import { errorText, Outbox } from './bridge-protocol.js';

/** What the bridge needs of the page's transport (page-transport.ts's PageTransport has it all). */
export interface BridgedTransport {
  readonly channels: readonly ChannelDescriptor[];
  setHandler(h: TransportHandler): void;
  observe(o: TransportObserver): () => void;
  /** TrySend into the peer's channel queue (the worker's credit says there is room). */
  send(peerId: string, channel: number, bytes: Uint8Array): boolean;
  disconnect(peerId: string, reason: string): void;
  dial(addr: string): Promise<void>;
  addrsOf(peerId: string): string[];
}

/**
 * Joins `transport` to the worker over `port`: call before the transport starts (it takes the
 * transport's handler). Returns the undoing: the port is closed and the worker hears nothing more.
 */
export function bridge(transport: BridgedTransport, port: MessagePort): () => void {
  /** the session of each announced peer (bridge-protocol.ts) */
  const sessions = new Map<string, number>();
  let lastSession = 0;
  /** this batch's credit ops, by peer/session/channel, so that many frames make one op */
  let credits = new Map<string, Extract<PageOp, { op: 'credit' }>>();
  const out = new Outbox<PageOp>(port, () => (credits = new Map()));
  const credit = [...transport.channels].map((c): [number, number] => [c.id, c.sendQueueCapacity]);

  const giveCredit = (peer: string, session: number, channel: number) => {
    const key = `${peer}/${session}/${channel}`;
    const op = credits.get(key);
    if (op) op.n++;
    else {
      const fresh = { op: 'credit' as const, peer, session, channel, n: 1 };
      credits.set(key, fresh);
      out.push(fresh);
    }
  };

  transport.setHandler({
    peerConnected(peer) {
      const session = ++lastSession;
      sessions.set(peer, session);
      out.push({ op: 'connected', peer, session, addrs: transport.addrsOf(peer), credit });
    },
    peerDisconnected(peer, reason) {
      const session = sessions.get(peer);
      if (session === undefined) return;
      sessions.delete(peer);
      out.push({ op: 'disconnected', peer, session, reason });
    },
    receive(peer, channel, bytes) {
      const session = sessions.get(peer);
      if (session === undefined) return;
      // a frame the decoder made is its buffer's only view: move it to the worker, no copy
      const msg = out.canTransfer(bytes) ? bytes : bytes.slice();
      out.push({ op: 'receive', peer, session, channel, bytes: msg }, msg.buffer as ArrayBuffer);
    },
  });
  const unobserve = transport.observe({
    frameSent(peer, channel) {
      const session = sessions.get(peer);
      if (session !== undefined) giveCredit(peer, session, channel);
    },
    addrsChanged(peer, addrs) {
      const session = sessions.get(peer);
      if (session !== undefined) out.push({ op: 'addrs', peer, session, addrs });
    },
  });

  const apply = (op: WorkerOp) => {
    switch (op.op) {
      case 'send': {
        if (sessions.get(op.peer) !== op.session) return; // for a connection that has ended
        // refused only if the peer is going (its `disconnected` follows): the credit comes back anyway
        if (!transport.send(op.peer, op.channel, op.bytes)) giveCredit(op.peer, op.session, op.channel);
        return;
      }
      case 'disconnect': {
        if (sessions.get(op.peer) === op.session) transport.disconnect(op.peer, op.reason);
        return;
      }
      case 'dial': {
        transport.dial(op.addr).then(
          () => out.push({ op: 'dialed', id: op.id, error: null }),
          (e: unknown) => out.push({ op: 'dialed', id: op.id, error: errorText(e) }),
        );
        return;
      }
    }
  };
  const onMessage = (e: MessageEvent<WorkerOp[]>) => {
    for (const op of e.data) apply(op);
  };
  port.addEventListener('message', onMessage);
  port.start();

  return () => {
    unobserve();
    port.removeEventListener('message', onMessage);
    port.close();
    sessions.clear();
  };
}
