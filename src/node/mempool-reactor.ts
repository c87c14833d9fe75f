// The mempool reactor (CometBFT's mempool/reactor.go, reduced) on channel 0x30: txs from peers are
// decoded (malformed → the peer is stopped), checked once through the node's mempool (CheckTx; an
// exception from the application is a refusal, Mempool.add catches it) and every newly accepted tx,
// ours or a peer's, is sent on to each peer that does not have it yet.
//
// Bounded everywhere: a seen-cache of tx hashes (so a tx is never re-checked nor re-gossiped), a
// per-peer "already has" set, and a per-peer queue for when TrySend says no; a full queue drops.
import { PrevoteError } from '../core/errors.js';
import { toHex } from '../core/bytes.js';
import { sha256 } from '../core/crypto/sha256.js';
import type { Bytes } from '../core/types.js';
import { MAX_MEMPOOL_MSG_BYTES, MAX_TXS_PER_MESSAGE, decodeMempoolMessage, encodeMempoolMessage, txWireSize } from '../core/encoding/mempool.js';
import type { Scheduler, TimerHandle } from './ports.js';
import type { PeerSender, Reactor } from './switch.js';

export const MEMPOOL_CHANNEL_ID = 0x30;

/** What the reactor needs of the node: CheckTx through the mempool, and the txs it holds. */
export interface MempoolHost {
  /** Adds a tx (CheckTx); null when accepted. Accepted txs come back through `txAccepted`. */
  submitTx(tx: Bytes): string | null;
  /** The txs held now, sent to a peer that connects. */
  pendingTxs(): Bytes[];
}

export interface MempoolReactorOptions {
  /** Tx hashes remembered as seen (CometBFT's mempool.cache_size). */
  cacheSize?: number;
  /** Tx hashes remembered per peer as "it has this one". */
  peerKnownSize?: number;
  /** Txs queued per peer while TrySend refuses; beyond, new ones are dropped for that peer. */
  maxQueuedTxs?: number;
  /** Bytes queued per peer, likewise. */
  maxQueuedBytes?: number;
  /** How long to wait before trying a refused send again. */
  retryMs?: number;
}

/** A set that forgets its oldest keys beyond `cap` (insertion order). */
class BoundedSet {
  private readonly keys = new Set<string>();
  constructor(private readonly cap: number) {}
  has(k: string): boolean {
    return this.keys.has(k);
  }
  add(k: string): void {
    if (this.keys.has(k)) return;
    this.keys.add(k);
    if (this.keys.size > this.cap) this.keys.delete(this.keys.values().next().value as string);
  }
  get size(): number {
    return this.keys.size;
  }
}

interface MempoolPeer {
  known: BoundedSet;
  queue: Bytes[];
  queuedBytes: number;
  retry: TimerHandle | null;
}

export interface MempoolReactorStats {
  /** Txs received from peers (duplicates included). */
  received: number;
  /** Txs received that were new to us and went to CheckTx. */
  checked: number;
  /** Txs sent to peers. */
  sent: number;
  /** Txs dropped for a peer because its queue was full. */
  dropped: number;
}

const txKey = (tx: Bytes) => toHex(sha256(tx));

export class MempoolReactor implements Reactor {
  readonly channels = [MEMPOOL_CHANNEL_ID] as const;
  private readonly seen: BoundedSet;
  private readonly peers = new Map<string, MempoolPeer>();
  private readonly peerKnownSize: number;
  private readonly maxQueuedTxs: number;
  private readonly maxQueuedBytes: number;
  private readonly retryMs: number;
  readonly stats: MempoolReactorStats = { received: 0, checked: 0, sent: 0, dropped: 0 };

  constructor(
    private readonly host: MempoolHost,
    private readonly peerSender: PeerSender,
    private readonly scheduler: Scheduler,
    opts: MempoolReactorOptions = {},
  ) {
    this.seen = new BoundedSet(opts.cacheSize ?? 10_000);
    this.peerKnownSize = opts.peerKnownSize ?? 10_000;
    this.maxQueuedTxs = opts.maxQueuedTxs ?? 5_000;
    this.maxQueuedBytes = opts.maxQueuedBytes ?? 8 * 1024 * 1024;
    this.retryMs = opts.retryMs ?? 100;
  }

  addPeer(peerId: string): void {
    if (this.peers.has(peerId)) return;
    const peer: MempoolPeer = { known: new BoundedSet(this.peerKnownSize), queue: [], queuedBytes: 0, retry: null };
    this.peers.set(peerId, peer);
    // a new peer gets what we hold (CometBFT's broadcastTxRoutine starts at the list's front)
    for (const tx of this.host.pendingTxs()) this.enqueue(peer, txKey(tx), tx);
    this.flush(peerId);
  }

  removePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    peer.retry?.cancel();
    this.peers.delete(peerId);
  }

  /** Bytes from a peer on 0x30. Malformed input stops the peer; nothing here throws. */
  receive(channel: number, peerId: string, bytes: Uint8Array): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    let txs: Bytes[];
    try {
      txs = decodeMempoolMessage(bytes).txs;
    } catch (e) {
      const why = e instanceof PrevoteError ? `${e.code}: ${e.message}` : String(e);
      this.removePeer(peerId);
      this.peerSender.stopPeerForError(peerId, `malformed message on channel 0x${channel.toString(16)}: ${why}`);
      return;
    }
    for (const tx of txs) {
      this.stats.received++;
      const key = txKey(tx);
      peer.known.add(key); // before submitTx: txAccepted must not send it back
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.stats.checked++;
      this.host.submitTx(tx); // refused (CheckTx, full, duplicate): stays seen, is not checked again
    }
  }

  /** The mempool accepted a tx (a peer's or a local one): send it to every peer that lacks it. */
  txAccepted(tx: Bytes): void {
    const key = txKey(tx);
    this.seen.add(key);
    for (const [id, peer] of this.peers) {
      if (peer.known.has(key)) continue;
      this.enqueue(peer, key, tx);
      this.flush(id);
    }
  }

  /** Whether a tx's hash is in the seen-cache. */
  hasSeen(tx: Bytes): boolean {
    return this.seen.has(txKey(tx));
  }

  private enqueue(peer: MempoolPeer, key: string, tx: Bytes): void {
    if (peer.known.has(key)) return;
    if (peer.queue.length >= this.maxQueuedTxs || peer.queuedBytes + tx.length > this.maxQueuedBytes) {
      this.stats.dropped++;
      return;
    }
    peer.known.add(key);
    peer.queue.push(tx);
    peer.queuedBytes += tx.length;
  }

  /** Sends the peer's queue in Txs messages until TrySend refuses; then tries again later. */
  private flush(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer || peer.retry) return;
    while (peer.queue.length > 0) {
      let n = 0;
      let size = 8; // Message and Txs tags and lengths
      while (n < peer.queue.length && n < MAX_TXS_PER_MESSAGE) {
        const s = txWireSize(peer.queue[n]!);
        if (n > 0 && size + s > MAX_MEMPOOL_MSG_BYTES) break;
        size += s;
        n++;
      }
      const batch = peer.queue.slice(0, n);
      if (!this.peerSender.send(peerId, MEMPOOL_CHANNEL_ID, encodeMempoolMessage({ kind: 'Txs', txs: batch }))) {
        if (!this.peers.has(peerId)) return;
        peer.retry = this.scheduler.after(this.retryMs, () => {
          peer.retry = null;
          this.flush(peerId);
        });
        return;
      }
      peer.queue.splice(0, n);
      for (const tx of batch) peer.queuedBytes -= tx.length;
      this.stats.sent += n;
    }
  }
}
