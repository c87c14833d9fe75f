// The transport bridge between the page's libp2p (page-bridge.ts) and the worker's Switch
// (port-transport.ts), over the MessagePort the page hands the worker in `init`.
//
// Each postMessage carries an array of ops: everything one side produced in one turn of its event
// loop goes as one message (a consensus step sends to many peers at once; one postMessage costs
// more than the bytes in it).
//
// Peers are numbered by session: the page gives each connection of a peer a new session number,
// and every op about a peer names it, so that an op in flight when a peer dropped and came back
// is recognised as stale on arrival (its bytes belong to the old connection, its credit too).
//
// Backpressure is by credit, as MConnection's TrySend is by queue: with `connected` the page tells
// the worker how many messages each channel's send queue holds for that peer; the worker spends
// one per `send` and refuses sends (returns false) at zero; the page gives one back (`credit`,
// coalesced) as each frame leaves its queue for the libp2p stream. So the worker never posts more
// than the page's queue holds, and no side buffers without bound.

/** Page → worker. */
export type PageOp =
  /** a peer's channel streams are open; `credit`: [channel, messages its send queue holds] */
  | { op: 'connected'; peer: string; session: number; addrs: string[]; credit: [number, number][] }
  | { op: 'disconnected'; peer: string; session: number; reason: string }
  /** the peer's listen addresses changed (identify push) */
  | { op: 'addrs'; peer: string; session: number; addrs: string[] }
  /** one message from the peer on a channel (its buffer transferred) */
  | { op: 'receive'; peer: string; session: number; channel: number; bytes: Uint8Array }
  /** `n` frames of this peer's channel left the page's queue */
  | { op: 'credit'; peer: string; session: number; channel: number; n: number }
  /** the answer to `dial` #id: null when it connected */
  | { op: 'dialed'; id: number; error: string | null };

/** Worker → page. */
export type WorkerOp =
  | { op: 'send'; peer: string; session: number; channel: number; bytes: Uint8Array }
  | { op: 'disconnect'; peer: string; session: number; reason: string }
  | { op: 'dial'; id: number; addr: string };

/**
 * Collects one turn's ops and posts them as one message. Byte buffers given with `transfer` move
 * to the other side (the sender must not use them again); a buffer is transferred at most once.
 */
export class Outbox<T> {
  private ops: T[] = [];
  private transfer = new Set<ArrayBuffer>();

  constructor(
    private readonly port: MessagePort,
    /** called just before a batch is posted (the page ends its credit coalescing there) */
    private readonly beforeFlush: () => void = () => undefined,
  ) {}

  push(op: T, transfer?: ArrayBuffer): void {
    if (this.ops.length === 0) queueMicrotask(() => this.flush());
    this.ops.push(op);
    if (transfer) this.transfer.add(transfer);
  }

  /** May `bytes` be transferred in this batch? Yes when it alone views its buffer and no other op transfers it. */
  canTransfer(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
    return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !this.transfer.has(bytes.buffer);
  }

  private flush(): void {
    this.beforeFlush();
    const ops = this.ops;
    const transfer = [...this.transfer];
    this.ops = [];
    this.transfer = new Set();
    try {
      this.port.postMessage(ops, transfer);
    } catch {
      // the port is closed: the other side is gone, and so is everything we would tell it
    }
  }
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
