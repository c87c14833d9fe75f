// The live node's Web Worker (issue 13): the engine, reactors, IndexedDB stores and keys of a
// browser tab that is a node of a testnet. libp2p cannot run here (no WebRTC in workers): it is
// on the page, and reaches this worker's Switch through the bridge port (PortTransport). This
// file only gives the live node the browser's pieces; the logic is live-node.ts.
/// <reference lib="webworker" />
import type { PageToWorker, WorkerToPage } from './live-protocol.js';
import { LiveNode } from './live-node.js';
import { openIdbStores } from './live-stores.js';
import { idbKeyVault } from './browser-keys.js';
import { PortTransport } from './port-transport.js';
import { realTimeScheduler } from '../../node/real-time-scheduler.js';
import { createVerifier } from '../shared/webcrypto-verifier.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const live = new LiveNode({
  post: (m: WorkerToPage, transfer: Transferable[] = []) => scope.postMessage(m, transfer),
  openStores: openIdbStores,
  openVault: () => idbKeyVault(),
  // held for the worker's life: the browser lets it go when the tab (and so the worker) closes
  locks: scope.navigator.locks ?? null,
  subtle: crypto.subtle,
  random: (b) => crypto.getRandomValues(b),
  transport: (bridge, selfId) => new PortTransport(bridge, selfId),
  clock: realTimeScheduler,
  verifier: createVerifier,
  randInt: (n) => Math.floor(Math.random() * n),
});

scope.onmessage = (e: MessageEvent<PageToWorker>) => void live.handle(e.data);
