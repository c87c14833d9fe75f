// Entry point of the browser app: the classroom, or with `?join` (`?join=<hub multiaddr>`) this
// tab as a node of the live testnet. The entry alone may reach into src/platform/browser, for the
// live node's runtime (scripts/check-boundaries.mjs): the views get it through startLive.
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { startLive, startWorker } from './store.js';
import { joinRequest } from './live/join.js';
import type { LiveRuntime } from './live/runtime.js';
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

const join = joinRequest(location.search);
if (join) startLive(liveRuntime(join.hubAddr));
else startWorker();
createRoot(document.getElementById('root')!).render(<App />);
