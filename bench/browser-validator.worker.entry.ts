// The node worker of the `browser` bench's validator tabs: live.worker.ts as it is — the real
// LiveNode, IndexedDB stores (signing journal, blocks, state), the profile's key vault in
// IndexedDB, Web Locks, WebCrypto signing and verification, the bridge to the page's libp2p —
// with two differences:
//   - timeout_commit 0 (LiveEnv.config), which the app's worker leaves at CometBFT's default
//     (the bundle for the bench's paced phase defines BENCH_TIMEOUT_COMMIT as that default);
//   - instruments that only watch: each readwrite IndexedDB transaction with durability 'strict'
//     (a disk flush) is counted and timed from its creation to 'complete', the others counted;
//     each message the Switch sends or receives through the bridge is counted; each WebCrypto
//     verification the node asks for (under its SignatureCache) is counted and timed; each
//     consensus event is time-stamped on the clock the four tabs share, and when a height commits
//     its record goes to the page on a BroadcastChannel (BENCH_CHANNEL), beside the node's
//     status every 250 ms. The page (app or bench page) collects them for the bench.
// The validator key is not given here: the bench puts it in this profile's key vault (IndexedDB
// 'prevote-keys') before the page starts the node, as a reload finds a key made on a first visit.
/// <reference lib="webworker" />
import type { PageToWorker, WorkerToPage } from '../src/platform/browser/live-protocol.js';
import { LiveNode } from '../src/platform/browser/live-node.js';
import { openIdbStores } from '../src/platform/browser/live-stores.js';
import { idbKeyVault } from '../src/platform/browser/browser-keys.js';
import { PortTransport } from '../src/platform/browser/port-transport.js';
import { realTimeScheduler } from '../src/node/real-time-scheduler.js';
import { createVerifier } from '../src/platform/shared/webcrypto-verifier.js';
import type { Ed25519Verifier, VerifyItem } from '../src/core/crypto/ed25519.js';
import type { LiveStatus } from '../src/observe/live.js';
import type { TransportHandler } from '../src/node/switch.js';

export const BENCH_CHANNEL = 'prevote-bench';

/** One committed height as one validator saw it; times in ms on performance.timeOrigin + now(). */
export interface HeightRecord {
  kind: 'height';
  height: number;
  round: number;
  /** when the engine emitted NewBlock for this height */
  committedAt: number;
  /** first time an event of this height was seen at each RoundStepType (index 1..8; NaN if never) */
  steps: number[];
  /** since the previous commit: strict IndexedDB transactions and their latencies (creation → complete) */
  strictTx: number[];
  /** since the previous commit: other readwrite IndexedDB transactions (the WAL's relaxed writes of peers' messages) */
  relaxedTx: number;
  /** since the previous commit: messages the Switch sent and received, by peer id (any channel) */
  sent: Record<string, number>;
  received: Record<string, number>;
  /** since the previous commit: their bytes, all peers */
  sentBytes: number;
  receivedBytes: number;
  /** since the previous commit: signatures verified through WebCrypto, and the ms those calls took (summed) */
  verifies: number;
  verifyMs: number;
}

export interface StatusRecord {
  kind: 'status';
  status: LiveStatus;
}

export type BenchRecord = HeightRecord | StatusRecord;

/** Set by the bundler for the paced phase's worker (bench/browser-validators.ts); absent, 0. */
declare const BENCH_TIMEOUT_COMMIT: number | undefined;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const bench = new BroadcastChannel(BENCH_CHANNEL);
/** A clock every tab of the browser shares: Chromium's TimeTicks are system-wide (CLOCK_MONOTONIC). */
const now = () => performance.timeOrigin + performance.now();

// ---- instruments --------------------------------------------------------------------------------

let strictTx: number[] = [];
let relaxedTx = 0;
// `idb` calls IDBDatabase.prototype.transaction underneath; wrapping it before any database is
// opened sees every transaction the stores make, without touching them
const transaction = IDBDatabase.prototype.transaction;
IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
  const tx = transaction.call(this, stores, mode, options);
  if (mode === 'readwrite' && options?.durability === 'strict') {
    const t0 = performance.now();
    tx.addEventListener('complete', () => strictTx.push(performance.now() - t0));
  } else if (mode === 'readwrite') relaxedTx++;
  return tx;
} as typeof transaction;

let traffic = { sent: {} as Record<string, number>, received: {} as Record<string, number>, sentBytes: 0, receivedBytes: 0 };

/** The worker's end of the bridge, as live.worker.ts makes it, counting what the Switch sends and hears. */
function countingTransport(bridge: MessagePort, selfId: string): PortTransport {
  const t = new PortTransport(bridge, selfId);
  const send = t.send.bind(t);
  t.send = (peer, channel, bytes) => {
    const ok = send(peer, channel, bytes);
    if (ok) {
      traffic.sent[peer] = (traffic.sent[peer] ?? 0) + 1;
      traffic.sentBytes += bytes.length;
    }
    return ok;
  };
  const setHandler = t.setHandler.bind(t);
  t.setHandler = (h: TransportHandler) =>
    setHandler({
      peerConnected: (peer) => h.peerConnected(peer),
      peerDisconnected: (peer, reason) => h.peerDisconnected(peer, reason),
      receive: (peer, channel, bytes) => {
        traffic.received[peer] = (traffic.received[peer] ?? 0) + 1;
        traffic.receivedBytes += bytes.length;
        h.receive(peer, channel, bytes);
      },
    });
  return t;
}

let verifies = 0;
let verifyMs = 0;
async function timedVerifier(): Promise<Ed25519Verifier> {
  const inner = await createVerifier();
  const timed = async <T>(n: number, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      verifies += n;
      verifyMs += performance.now() - t0;
    }
  };
  return {
    verify: (pubKey, message, signature) => timed(1, () => inner.verify(pubKey, message, signature)),
    verifyBatch: (items: VerifyItem[]) => timed(items.length, () => inner.verifyBatch(items)),
  };
}

// ---- the node, as live.worker.ts makes it -------------------------------------------------------

const live = new LiveNode({
  post: (m: WorkerToPage, transfer: Transferable[] = []) => scope.postMessage(m, transfer),
  openStores: openIdbStores,
  openVault: () => idbKeyVault(),
  locks: scope.navigator.locks ?? null,
  subtle: crypto.subtle,
  random: (b) => crypto.getRandomValues(b),
  transport: countingTransport,
  clock: realTimeScheduler,
  verifier: timedVerifier,
  randInt: (n) => Math.floor(Math.random() * n),
  config: { timeoutCommit: typeof BENCH_TIMEOUT_COMMIT === 'number' ? BENCH_TIMEOUT_COMMIT : 0 },
});

/** Once the node is assembled: step times of each height, and a record per commit. */
function watch(): void {
  const node = live.node?.node;
  if (!node) return; // it stopped while starting: its status says why
  const steps = new Map<number, number[]>();
  node.onEvent((e) => {
    const t = now();
    let s = steps.get(e.height);
    if (!s) steps.set(e.height, (s = []));
    s[e.step] ??= t;
    if (e.type !== 'NewBlock') return;
    const record: HeightRecord = {
      kind: 'height',
      height: e.height,
      round: e.commitRound,
      committedAt: t,
      steps: Array.from({ length: 9 }, (_, i) => s![i] ?? NaN),
      strictTx,
      relaxedTx,
      ...traffic,
      verifies,
      verifyMs,
    };
    bench.postMessage(record);
    strictTx = [];
    relaxedTx = 0;
    traffic = { sent: {}, received: {}, sentBytes: 0, receivedBytes: 0 };
    verifies = 0;
    verifyMs = 0;
    steps.delete(e.height - 1);
  });
}

setInterval(() => {
  try {
    bench.postMessage({ kind: 'status', status: live.status() } satisfies StatusRecord);
  } catch {
    // no status before the node has its chain; the next tick tries again
  }
}, 250);

scope.onmessage = (e: MessageEvent<PageToWorker>) => {
  const done = live.handle(e.data);
  if (e.data.type === 'init') void done.then(watch);
};
