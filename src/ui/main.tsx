// Entry point of the browser app: the classroom, or with `?join` (`?join=<hub multiaddr>`) this
// tab as a node of the live testnet, or with `?wal` the WAL debugger. The entry alone may reach
// into src/platform/browser, for the live node's runtime and the WAL debugger's worker
// (scripts/check-boundaries.mjs): the views get them through startLive and startWalDebugger.
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { startLive, startWorker } from './store.js';
import { joinRequest } from './live/join.js';
import type { LiveRuntime } from './live/runtime.js';
import { startWalDebugger } from './wal/debugger.js';
import { walRequest } from './wal/link.js';
import type { WalRuntime } from './wal/runtime.js';
import './styles.css';

/** The live node: libp2p on this page, the engine in a worker; loaded only when joining (its own chunk). */
async function liveRuntime(hubAddr: string | undefined): Promise<LiveRuntime> {
  // For tests only (e2e/live-view.spec.ts): a scripted fake runtime installed before the page's
  // scripts run stands in for the real node, so the view can be checked without a testnet.
  const fake = (window as { __prevoteLiveSource?: LiveRuntime }).__prevoteLiveSource;
  if (fake) return fake;
  const { startLivePage } = await import('../platform/browser/live-page.js');
  return startLivePage({ origin: location.origin, hubAddr });
}

/** The WAL debugger's worker (its own chunk, loaded only for `?wal`). */
async function walRuntime(): Promise<WalRuntime> {
  const { startWalPage } = await import('../platform/browser/wal-page.js');
  return startWalPage();
}

const join = joinRequest(location.search);
const wal = join ? null : walRequest(location.search);
if (join) startLive(liveRuntime(join.hubAddr));
else if (wal) startWalDebugger(walRuntime(), wal);
else startWorker();
createRoot(document.getElementById('root')!).render(<App />);
