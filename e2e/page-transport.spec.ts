// Browser tabs on a real local testnet (`prevote testnet`: one validator and the hub).
//   1. Two tabs run the page transport (libp2p on the page: WebSockets to the hub, a relay
//      reservation there, WebRTC between tabs) with a Switch and peer exchange on the page. The
//      hub's peer exchange tells each tab the other's relayed WebRTC address; they end up on a
//      direct WebRTC connection that carries channel bytes both ways, and keep no relayed one.
//   2. Two tabs run startLivePage as the app does: the node's worker (a stand-in here) gets the
//      bridge port, its Switch and peer exchange reach the other tab's worker through bridge → page
//      libp2p → WebRTC → page libp2p → bridge.
// Pages are served from a real server on 127.0.0.1, as the hub serves the app (see serve()).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import type { PeerState } from './page-transport.entry.js';
import { freePorts, prevote } from '../src/cli/processes.test-util.js';
import type { Proc } from '../src/cli/processes.test-util.js';

test.describe.configure({ mode: 'serial', timeout: 60_000 });

let net: Proc | null = null;
let home = '';
let server: Server | null = null;
let origin = '';
let hubAddr = '';
let hubId = '';

const bundle = async (entry: string) =>
  (await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022' })).outputFiles[0].text;

/**
 * Serves the test pages from http://127.0.0.1, and the hub's /genesis.json and /hub.json beside them,
 * as the hub serves the app. A real server, not Playwright's routing (e2e/bundle.ts): Chromium's
 * Local Network Access checks keep a page whose address it does not know from opening WebSockets
 * to 127.0.0.1.
 */
async function serve(hubHttp: string): Promise<string> {
  const html = (dir: string) => `<!doctype html><meta charset="utf-8"><script type="module" src="/${dir}/bundle.js"></script>`;
  const files: Record<string, [string, string]> = {
    '/t/': ['text/html', html('t')],
    '/t/bundle.js': ['text/javascript', await bundle('e2e/page-transport.entry.ts')],
    '/l/': ['text/html', html('l')],
    '/l/bundle.js': ['text/javascript', await bundle('e2e/live-page.entry.ts')],
    // where live-page.ts's `new URL('./live.worker.ts', import.meta.url)` points from /l/bundle.js
    '/l/live.worker.ts': ['text/javascript', await bundle('e2e/live-page-worker.entry.ts')],
  };
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/genesis.json' || path === '/hub.json') {
      void fetch(hubHttp + path).then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
        res.end(await r.text());
      });
      return;
    }
    const file = files[path];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    res.end(file?.[1] ?? 'not found');
  });
  await new Promise((r) => server!.listen(0, '127.0.0.1', () => r(null)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'prevote-page-transport-'));
  const port = await freePorts(11);
  const started = Date.now();
  net = prevote(['testnet', '--home', home, '--port', String(port), '--validators', '1', '--timeout-commit', '200']);
  let hub: { ws: string[]; peerId: string } | null = null;
  while (!hub) {
    if (Date.now() - started > 20_000 || net.child.exitCode !== null) throw new Error(`no /hub.json; the testnet said:\n${net.lines.slice(-20).join('\n')}`);
    hub = await fetch(`http://127.0.0.1:${port}/hub.json`).then((r) => (r.ok ? r.json() : null), () => null);
    if (!hub) await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`testnet serving /hub.json after ${Date.now() - started} ms`);
  hubAddr = hub.ws[0];
  hubId = hub.peerId;
  origin = await serve(`http://127.0.0.1:${port}`);
});

test.afterAll(async () => {
  if (net && net.child.exitCode === null) {
    net.child.kill('SIGINT');
    await Promise.race([net.exit, new Promise((r) => setTimeout(r, 5000))]);
    if (net.child.exitCode === null) net.child.kill('SIGKILL');
  }
  if (home) rmSync(home, { recursive: true, force: true });
  await new Promise((r) => (server ? server.close(r) : r(null)));
});

/** Two tabs, each its own browser context (its own storage), at `path`. */
async function twoTabs(browser: Browser, path: string): Promise<Page[]> {
  const pages = await Promise.all([0, 1].map(async () => (await browser.newContext()).newPage()));
  for (const p of pages) p.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await Promise.all(pages.map((p) => p.goto(origin + path)));
  return pages;
}

/** Polls `read` until `ok`, failing with the last reading. */
async function waitFor<T>(what: string, read: () => Promise<T>, ok: (x: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const x = await read();
    if (ok(x)) return x;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}; last:\n${JSON.stringify(x, null, 1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('two tabs meet through the hub and talk over a direct WebRTC connection', async ({ browser }) => {
  const [pa, pb] = await twoTabs(browser, '/t/');
  await Promise.all([pa, pb].map((p) => p.waitForFunction(() => typeof window.startPeer === 'function')));
  const state = (p: Page): Promise<PeerState> => p.evaluate(() => window.peerState());
  const both = () => Promise.all([state(pa), state(pb)]);

  const started = Date.now();
  const [a, b] = await Promise.all([pa, pb].map((p) => p.evaluate((addr) => window.startPeer(addr), hubAddr)));
  let [sa, sb] = await waitFor('each tab connected to the hub and to the other', both, ([x, y]) => [x, y].every((s, i) => s.switchPeers.includes(hubId) && s.switchPeers.includes(i === 0 ? b : a)), 30_000);
  const meshMs = Date.now() - started;

  // peer exchange: the hub handed each the other's relayed WebRTC address
  expect(sa.known).toContain(b);
  expect(sb.known).toContain(a);
  expect(sa.webrtcAddrs.length).toBeGreaterThan(0);
  expect(sa.webrtcAddrs.every((x) => x.includes(`/p2p/${hubId}/p2p-circuit/webrtc/p2p/${a}`))).toBe(true);
  for (const [s, other] of [[sa, b], [sb, a]] as const) {
    const kind = Object.fromEntries(s.stats.map((x) => [x.id, x.transport]));
    expect(kind[hubId]).toBe('websockets');
    expect(kind[other]).toBe('webrtc');
  }

  // channel bytes both ways on the direct connection (0x30 queues one message: every send waits for the last)
  const N = 200;
  const SIZE = 200;
  const sentAt = Date.now();
  await Promise.all([pa.evaluate(([p, n, s]) => window.chatter(p, n, s), [b, N, SIZE] as const), pb.evaluate(([p, n, s]) => window.chatter(p, n, s), [a, N, SIZE] as const)]);
  await waitFor('the chatter to arrive', both, ([x, y]) => x.chatter[b] === N && y.chatter[a] === N, 10_000);
  const chatterMs = Date.now() - sentAt;

  // once direct, nothing of theirs crosses the relay: the relayed connection is closed
  [sa, sb] = await waitFor('no relayed connection between the tabs', both, ([x, y]) => [...x.connections[b], ...y.connections[a]].every((c) => !c.limited), 10_000);
  for (const [s, other] of [[sa, b], [sb, a]] as const) {
    expect(s.connections[other].length).toBeGreaterThan(0);
    expect(s.connections[other].every((c) => /\/webrtc(\/|$)/.test(c.remoteAddr))).toBe(true);
    const stat = s.stats.find((x) => x.id === other)!;
    expect(stat.bytesOut).toBeGreaterThanOrEqual(N * SIZE);
    expect(stat.bytesIn).toBeGreaterThanOrEqual(N * SIZE);
  }
  // pings every second, each given a second: on a loaded machine the first few may go unanswered
  [sa, sb] = await waitFor('round-trip times', both, ([x, y]) => [...x.stats, ...y.stats].every((s) => s.rttMs !== null), 15_000);
  const rtt = (s: PeerState, id: string) => s.stats.find((x) => x.id === id)?.rttMs;
  const ms = (x: number | undefined) => x?.toFixed(0);
  console.log(
    `page transport: hub announced after ${ms(sa.timings.hub)}/${ms(sb.timings.hub)} ms, relay reservation after ` +
      `${ms(sa.timings.reservation)}/${ms(sb.timings.reservation)} ms, the other tab (WebRTC) after ` +
      `${ms(sa.timings.firstPage)}/${ms(sb.timings.firstPage)} ms; both meshed as seen by the spec after ${meshMs} ms; ` +
      `${N}×${SIZE} B each way on 0x30 in ${chatterMs} ms; RTT to hub ${rtt(sa, hubId)}/${rtt(sb, hubId)} ms, tab↔tab ${rtt(sa, b)}/${rtt(sb, a)} ms`,
  );
  await Promise.all([pa, pb].map((p) => p.context().close()));
});

test('startLivePage bridges a worker’s Switch to the page’s libp2p: two workers talk tab to tab', async ({ browser }) => {
  const [pa, pb] = await twoTabs(browser, '/l/');
  await Promise.all([pa, pb].map((p) => p.waitForFunction(() => typeof window.startLive === 'function')));
  const started = Date.now();
  await Promise.all([pa, pb].map((p) => p.evaluate(() => window.startLive())));
  const startMs = Date.now() - started;
  const state = (p: Page) => p.evaluate(() => window.liveState());
  const both = () => Promise.all([state(pa), state(pb)]);
  const [ra, rb] = await waitFor('both workers reporting', both, ([x, y]) => x.worker !== null && y.worker !== null, 5000);
  const a = ra.worker!.peerId;
  const b = rb.worker!.peerId;

  // each worker's peer exchange, through the bridge, finds the other via the hub; the page dials it
  let [sa, sb] = await waitFor('each worker connected to the hub and to the other', both, ([x, y]) => [x, y].every((s, i) => [hubId, i === 0 ? b : a].every((p) => s.worker!.switchPeers.includes(p))), 30_000);
  const meshMs = Date.now() - started;
  expect(sa.worker!.known).toContain(b);
  expect(sb.worker!.known).toContain(a);
  expect(Object.fromEntries(sa.stats.map((s) => [s.id, s.transport]))).toMatchObject({ [hubId]: 'websockets', [b]: 'webrtc' });
  expect(Object.fromEntries(sb.stats.map((s) => [s.id, s.transport]))).toMatchObject({ [hubId]: 'websockets', [a]: 'webrtc' });

  // worker → bridge → WebRTC → bridge → worker, both ways, through the credit of a one-message queue
  const N = 300;
  const sentAt = Date.now();
  await pa.evaluate(([p, n]) => window.liveChatter(p, n), [b, N] as const);
  await pb.evaluate(([p, n]) => window.liveChatter(p, n), [a, N] as const);
  [sa, sb] = await waitFor('the chatter to arrive', both, ([x, y]) => y.worker!.chatter[a] === N && x.worker!.chatter[b] === N, 15_000);
  const chatterMs = Date.now() - sentAt;

  // a 64-byte message there and back: worker → page → WebRTC → page → worker, and back
  await pa.evaluate(([p, n]) => window.liveRtt(p, n), [b, 100] as const);
  [sa] = await waitFor('100 round trips', both, ([x]) => x.worker!.roundTrips.length === 100, 10_000);
  const trips = [...sa.worker!.roundTrips].sort((x, y) => x - y);
  console.log(
    `live page: startLivePage resolved after ${startMs} ms, workers meshed after ${meshMs} ms; ${N} worker-to-worker messages ` +
      `each way in ${chatterMs} ms; worker↔worker round trip (64 B) median ${trips[50].toFixed(2)} ms, p90 ${trips[90].toFixed(2)} ms`,
  );
  await Promise.all([pa, pb].map((p) => p.context().close()));
});
