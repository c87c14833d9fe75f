// BlockPool ([CMT] blocksync/pool.go, as decisions only): which heights to ask which peer for,
// which requests have timed out, which two blocks are ready to verify, and when we are caught up.
// Time comes in as `now` and randomness as `randInt`, so a run is reproducible; the driver
// (node/blocksync-reactor.ts) sends the requests, verifies and applies the blocks.
import type { RandInt } from '../bits/bit-array.js';
import type { Block } from '../types.js';

export interface PoolConfig {
  /** Heights requested ahead of the next one to apply ([CMT] maxPendingRequests, scaled down). */
  window: number;
  /** Requests outstanding to one peer at a time ([CMT] maxPendingRequestsPerPeer). */
  maxPendingPerPeer: number;
  /** A request not answered within this many ms goes to another peer, and the slow one is dropped. */
  requestTimeout: number;
  /**
   * With no block received, we are caught up only once this many ms have passed since the start
   * ([CMT] the 5 s of receivedBlockOrTimedOut) — unless a peer has told us its height already.
   */
  startupGrace: number;
}

export const DEFAULT_POOL_CONFIG: PoolConfig = { window: 64, maxPendingPerPeer: 20, requestTimeout: 10_000, startupGrace: 5_000 };

export interface PooledBlock {
  block: Block;
  blockBytes: Uint8Array;
  peerId: string;
}

interface PoolPeer {
  base: number;
  /** -1 until its first StatusResponse. */
  height: number;
  pending: number;
}

interface Request {
  peerId: string | null;
  sentAt: number;
  block: PooledBlock | null;
}

export type AddBlockResult = 'added' | 'unsolicited';

export class BlockPool {
  /** The next height to apply. */
  height: number;
  private readonly peers = new Map<string, PoolPeer>();
  private readonly requests = new Map<number, Request>();
  private receivedBlock = false;

  constructor(
    startHeight: number,
    private readonly startedAt: number,
    private readonly cfg: PoolConfig = DEFAULT_POOL_CONFIG,
  ) {
    this.height = startHeight;
  }

  /** A peer connected; we know its range once it sends a StatusResponse. */
  addPeer(peerId: string): void {
    if (!this.peers.has(peerId)) this.peers.set(peerId, { base: 0, height: -1, pending: 0 });
  }

  /** A StatusResponse: the peer holds base..height. A peer that lowers its height is believed. */
  setPeerRange(peerId: string, base: number, height: number): void {
    const p = this.peers.get(peerId);
    if (p) Object.assign(p, { base, height });
    else this.peers.set(peerId, { base, height, pending: 0 });
  }

  /** The peer left: whatever it owed us is asked of someone else. */
  removePeer(peerId: string): void {
    if (!this.peers.delete(peerId)) return;
    for (const r of this.requests.values()) {
      if (r.peerId === peerId && !r.block) r.peerId = null;
    }
  }

  maxPeerHeight(): number {
    let max = 0;
    for (const p of this.peers.values()) max = Math.max(max, p.height);
    return max;
  }

  peerCount(): number {
    return this.peers.size;
  }

  /**
   * The requests to send now: every height in the window without a peer gets one that has it and
   * has room, chosen at random. Returns [peer, height] pairs; the caller sends them.
   */
  makeRequests(now: number, randInt: RandInt): { peerId: string; height: number }[] {
    const out: { peerId: string; height: number }[] = [];
    const top = Math.min(this.height + this.cfg.window - 1, this.maxPeerHeight());
    for (let h = this.height; h <= top; h++) {
      let r = this.requests.get(h);
      if (r?.peerId || r?.block) continue;
      const candidates = [...this.peers].filter(([, p]) => p.base <= h && h <= p.height && p.pending < this.cfg.maxPendingPerPeer);
      if (candidates.length === 0) continue;
      const [peerId, peer] = candidates[randInt(candidates.length)];
      if (!r) this.requests.set(h, (r = { peerId: null, sentAt: now, block: null }));
      r.peerId = peerId;
      r.sentAt = now;
      peer.pending++;
      out.push({ peerId, height: h });
    }
    return out;
  }

  /** A BlockResponse. Only the peer we asked for exactly that height may answer it. */
  addBlock(peerId: string, block: Block, blockBytes: Uint8Array): AddBlockResult {
    const h = block.header.height;
    const r = this.requests.get(h);
    if (!r || r.peerId !== peerId || r.block) return 'unsolicited';
    r.block = { block, blockBytes, peerId };
    const p = this.peers.get(peerId);
    if (p) p.pending--;
    this.receivedBlock = true;
    return 'added';
  }

  /** A NoBlockResponse: the peer does not have it after all; ask another. */
  noBlock(peerId: string, height: number): void {
    const r = this.requests.get(height);
    if (!r || r.peerId !== peerId || r.block) return;
    r.peerId = null;
    const p = this.peers.get(peerId);
    if (p) {
      p.pending--;
      // it claimed a range it does not serve: stop asking it for anything from here up
      p.height = Math.min(p.height, height - 1);
    }
  }

  /** Peers whose requests have waited longer than the timeout; their requests are freed. */
  timedOut(now: number): string[] {
    const slow = new Set<string>();
    for (const r of this.requests.values()) {
      if (r.peerId && !r.block && now - r.sentAt > this.cfg.requestTimeout) slow.add(r.peerId);
    }
    for (const id of slow) this.removePeer(id);
    return [...slow];
  }

  /** Blocks `height` and `height + 1`, when both have arrived: the first is verified by the second's LastCommit. */
  peekTwoBlocks(): [PooledBlock, PooledBlock] | null {
    const first = this.requests.get(this.height)?.block;
    const second = this.requests.get(this.height + 1)?.block;
    return first && second ? [first, second] : null;
  }

  /** The first block was applied: move on. */
  popRequest(): void {
    this.requests.delete(this.height);
    this.height++;
  }

  /**
   * A block we got did not verify: forget it and ask again, elsewhere. Returns the peer that
   * served it, which the caller drops (and bans); that peer's other requests go to others.
   */
  redoRequest(height: number): string | null {
    const r = this.requests.get(height);
    this.requests.delete(height);
    const peerId = r?.block?.peerId ?? null;
    if (peerId) this.removePeer(peerId);
    return peerId;
  }

  /**
   * IsCaughtUp: we have heard every connected peer's status (or waited the start-up grace, or already synced a
   * block) and no peer is more than one block ahead of the last one we applied — that last block
   * cannot be block-synced (nothing commits it yet); consensus catch-up takes it from there.
   */
  isCaughtUp(now: number): boolean {
    const heardAll = this.peers.size > 0 && [...this.peers.values()].every((p) => p.height >= 0);
    const started = heardAll || this.receivedBlock || now - this.startedAt >= this.cfg.startupGrace;
    return started && this.height - 1 >= this.maxPeerHeight() - 1;
  }
}
