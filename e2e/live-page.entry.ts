// Browser side of page-transport.spec.ts's live-page test: startLivePage as the app calls it, with
// the worker it starts by default (live.worker.ts next to the bundle: the spec serves the stand-in
// worker, live-page-worker.entry.ts, at that address).
import { startLivePage } from '../src/platform/browser/live-page.js';
import type { LivePage } from '../src/platform/browser/live-page.js';
import type { PeerStat } from '../src/platform/browser/live-protocol.js';
import type { ChatterCommand, StandInReport } from './live-page-worker.entry.js';

declare global {
  interface Window {
    startLive(): Promise<void>;
    liveState(): { worker: StandInReport | null; stats: PeerStat[] };
    liveChatter(peer: string, n: number): void;
    liveRtt(peer: string, n: number): void;
  }
}

let live: LivePage | null = null;
let report: StandInReport | null = null;

window.startLive = async () => {
  live = await startLivePage({ origin: location.origin });
  live.source.onMessage((m) => {
    if ((m as unknown as StandInReport).type === 'test') report = m as unknown as StandInReport;
  });
};

window.liveState = () => ({ worker: report, stats: live?.peerStats() ?? [] });

window.liveChatter = (peer, n) => {
  const cmd: ChatterCommand = { type: 'chatter', peer, n };
  live!.source.send(cmd as never);
};

window.liveRtt = (peer, n) => {
  const cmd: ChatterCommand = { type: 'rtt', peer, n };
  live!.source.send(cmd as never);
};
