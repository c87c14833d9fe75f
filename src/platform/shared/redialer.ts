// Persistent peers (CometBFT's persistent_peers): dialled at start, and whenever one is lost or a
// dial fails, dialled again after an exponential backoff — initial · 2^attempts, capped, with
// jitter so that a whole network restarting does not redial in lockstep. A peer that connects
// resets its backoff. CometBFT gives up after about a day; we keep trying at the cap, since a
// testnet's peers are exactly the ones we want back. Shared: Node nodes redial their persistent
// peers, the page its hub.

export interface RedialOptions {
  initialMs?: number;
  maxMs?: number;
}

interface Persistent {
  addr: string;
  attempts: number;
  timer: ReturnType<typeof setTimeout> | null;
  connected: boolean;
}

/** The peer id at the end of a multiaddr (`…/p2p/<id>`). */
export function peerIdOfAddr(addr: string): string {
  const m = /\/p2p\/([^/]+)\/?$/.exec(addr);
  if (!m) throw new Error(`persistent peer ${addr} must end in /p2p/<peer id>`);
  return m[1];
}

export class Redialer {
  private readonly peers = new Map<string, Persistent>();
  private readonly initialMs: number;
  private readonly maxMs: number;
  private running = false;

  constructor(
    addrs: readonly string[],
    o: RedialOptions,
    private readonly dial: (addr: string) => Promise<void>,
  ) {
    for (const addr of addrs) this.peers.set(peerIdOfAddr(addr), { addr, attempts: 0, timer: null, connected: false });
    this.initialMs = o.initialMs ?? 1000;
    this.maxMs = o.maxMs ?? 30_000;
  }

  start(): void {
    this.running = true;
    for (const id of this.peers.keys()) this.dialNow(id);
  }

  stop(): void {
    this.running = false;
    for (const p of this.peers.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.timer = null;
    }
  }

  /** The peer is up: its next loss starts the backoff from the beginning. */
  connected(id: string): void {
    const p = this.peers.get(id);
    if (!p) return;
    p.connected = true;
    p.attempts = 0;
  }

  /** The peer went away (or never came): dial it again later, if it is one of ours. */
  lost(id: string): void {
    const p = this.peers.get(id);
    if (!p) return;
    p.connected = false;
    this.schedule(id, p);
  }

  /** Delay before the next dial (exposed for tests): initial · 2^attempts, capped, ×[0.5, 1). */
  delay(attempts: number, jitter = Math.random()): number {
    return Math.min(this.maxMs, this.initialMs * 2 ** Math.min(attempts, 30)) * (0.5 + jitter / 2);
  }

  private schedule(id: string, p: Persistent): void {
    if (!this.running || p.timer || p.connected) return;
    const ms = this.delay(p.attempts++);
    p.timer = setTimeout(() => {
      p.timer = null;
      this.dialNow(id);
    }, ms);
  }

  private dialNow(id: string): void {
    const p = this.peers.get(id)!;
    if (!this.running || p.connected) return;
    this.dial(p.addr).catch(() => this.schedule(id, p));
  }
}
