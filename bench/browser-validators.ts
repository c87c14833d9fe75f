// `npm run bench -- browser` (issue 13): a testnet whose four validators are browser tabs, with
// timeout_commit 0 — heights per second and commit latency, beside the floor measured in the same
// run (WebCrypto verification and IndexedDB durable writes in a page, the worker↔worker round trip
// across both bridges and WebRTC), and the frame times of the app's page while its tab validates.
//
// What runs: `prevote hub` (a full node, no validator key: the tabs' relay, their bootstrap and
// their peer exchange) from a fresh home whose genesis names the four tabs' keys; an HTTP server
// on 127.0.0.1 serving the pages beside the hub's /genesis.json and /hub.json (a real server:
// Chromium's Local Network Access keeps a page served by Playwright's routing from opening
// WebSockets to 127.0.0.1); four browser contexts of one Debian Chromium (each its own profile:
// IndexedDB, Web Locks). Tab 0 is the app itself (src/ui/main.tsx with `?join`, React views and
// all), tabs 1–3 a bare page that starts the node the same way (startLivePage); every tab's
// worker is bench/browser-validator.worker.entry.ts: the app's live.worker.ts with
// timeout_commit 0 and instruments that only watch. The tabs meet through the hub and then talk
// over direct WebRTC (the hub stays a fifth peer of each, over WebSockets). Last, the four tabs
// reload into workers at CometBFT's default timeout_commit (the pace of a testnet a person
// joins), resume from their IndexedDB, and the app's frames are taken again at that pace. And
// once every tab has closed, the app page replays the messages its worker sent while validating,
// with nothing else running: the views' own frame times.
//
// The app page is bundled here with esbuild rather than served from `vite build`'s dist/: the
// built app's worker is live.worker.ts, whose timeout_commit is CometBFT's default (1 s), and one
// validator waiting 1 s per height would make the chain's rate that wait. Everything else in the
// page — views, store, startLivePage, page libp2p — is the app's code, minified, production React.
//
// Clocks: commit and step times are taken in the tabs' workers on performance.timeOrigin + now(),
// which Chromium derives from one system-wide monotonic clock, so the four tabs' times compare;
// the hub's commit lines, read by this process, check the rate while the hub keeps up (on a busy
// machine it can fall behind the tabs, so progress is read from a tab, not from the hub).
//
// Where the time goes, on a two-core machine: CPU. Each tab's Switch sends and receives some 50–70
// messages per height (CometBFT's gossip: votes, HasVote, NewRoundStep… to 3 tabs and the hub),
// each crossing worker → page → WebRTC (or WebSockets) → Chromium's network service → the other
// page → its worker, and writes ~20 IndexedDB transactions; cpuPerHeight shows how much Chromium
// spends on that against the wall time, beside the latency floor.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { CHROMIUM } from '../e2e/chromium.js';
import { FRAME_PROBE, frameStats, framesWithCpu } from './frames.js';
import type { FramesWithCpu } from './frames.js';
import type { StandInReport } from '../e2e/live-page-worker.entry.js';
import { genesisJson, homePaths, newSeed, nodeKeyJson } from '../src/cli/home.js';
import { STOP_ON_STDIN_EOF } from '../src/cli/node.js';
import { publicKeyFromSeed, signSync } from '../src/core/crypto/ed25519.js';
import { addressFromPubKey } from '../src/core/crypto/address.js';
import { toHex } from '../src/core/bytes.js';
import { voteSignBytes } from '../src/core/encoding/sign-bytes.js';
import { SignedMsgType } from '../src/core/types.js';
import type { LiveStatus } from '../src/observe/live.js';
import type { HeightRecord } from './browser-validator.worker.entry.js';
import { DEFAULT_CONSENSUS_CONFIG } from '../src/core/consensus/config.js';
import { stopAll } from './libp2p.js';

const N = 4;
const CHAIN = 'prevote-bench-browser';
const WARMUP = 10; // heights left out after the tabs are meshed over WebRTC: JIT, first dials, IndexedDB warming
const HEIGHTS = 30; // heights measured
const FRAME_MS = 3000;
const BIN = fileURLToPath(new URL('../bin/prevote.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] : NaN);
const median = (xs: number[]) => quantile(xs.filter((x) => Number.isFinite(x)), 0.5);
const r2 = (x: number) => Math.round(x * 100) / 100;
/**
 * PREVOTE_BENCH_PROFILE=<dir>: the app page is bundled unminified, and its 3 s of frames while
 * validating are recorded as a CPU profile (CDP Profiler, app.cpuprofile) and a Chromium trace
 * (app-trace.json), to open in DevTools, beside what its worker sent the page (app-messages.json,
 * to replay the views without a testnet); the paced phase's the same way (app-paced.*). The
 * figures then carry the profiler's cost.
 */
const PROFILE_DIR = process.env.PREVOTE_BENCH_PROFILE;

declare global {
  interface Window {
    /** what the tab's worker reported on the bench's BroadcastChannel (INIT below) */
    __bench: { heights: HeightRecord[]; status: LiveStatus | null };
  }
}

/**
 * Installed in every tab before its scripts run (beside bench/frames.ts's frame probe): collects
 * the worker's records (same origin and profile, so the BroadcastChannel reaches the page). A
 * string: tsx's transform would add helpers the page does not have.
 */
const INIT = `
window.__bench = { heights: [], status: null };
window.__benchChannel = new BroadcastChannel('prevote-bench');
window.__benchChannel.onmessage = (e) => {
  if (e.data.kind === 'height') window.__bench.heights.push(e.data);
  else if (e.data.kind === 'status') window.__bench.status = e.data.status;
};`;

/**
 * Every status and frame the node's worker sends the page, kept in order (JSON-safe by design):
 * the app tab's are replayed into a page of their own afterwards (REPLAY), and written to
 * app-messages.json when profiling.
 */
const RECORD = `
window.__recorded = [];
const BenchWorker = window.Worker;
window.Worker = class extends BenchWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      if (e.data?.type === 'frame' || e.data?.type === 'status') window.__recorded.push({ at: performance.now(), m: e.data });
    });
  }
};`;

/**
 * The app page with no node: a stand-in runtime (main.tsx's test hook) that plays `window.__replay`
 * (RECORD's messages) at their recorded times, its last `lastMs` from `replay(lastMs)` on, what
 * came before at once. No worker, no libp2p, no other tab: what the views alone cost.
 */
const REPLAY = `
(() => {
  const fake = { receiver: null, queue: [] };
  const emit = (m) => (fake.receiver ? fake.receiver(m) : fake.queue.push(m));
  window.__prevoteLiveSource = {
    source: { send() {}, onMessage(cb) { fake.receiver = cb; fake.queue.splice(0).forEach(cb); }, close() {} },
    peerStats: () => [],
    stop() {},
  };
  window.replay = (lastMs) => {
    const rec = window.__replay;
    const from = rec[rec.length - 1].at - lastMs;
    let k = 0;
    while (k < rec.length && rec[k].at < from) emit(rec[k++].m);
    const t0 = performance.now() - from;
    const next = () => {
      while (k < rec.length && rec[k].at <= performance.now() - t0) emit(rec[k++].m);
      if (k < rec.length) setTimeout(next, 5);
    };
    next();
  };
})();`;

// ---- processes, ports, bundles, the server ------------------------------------------------------

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createNetServer>>((r) => { const s = createNetServer(); s.listen(0, '127.0.0.1', () => r(s)); })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** esbuild bundles, as the app ships (minified, production React): its .js and, for the app, .css. */
async function bundle(entry: string, define: Record<string, string> = {}): Promise<{ js: string; css: string }> {
  const out = await build({
    entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022',
    minify: !PROFILE_DIR, outdir: 'out', define: { 'process.env.NODE_ENV': '"production"', ...define }, logLevel: 'silent',
  });
  const of = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: of('.js'), css: of('.css') };
}

/**
 * Pages at /<dir>/ (bundle.js, and the workers where the bundle's `new URL('./….worker.ts', import.meta.url)` point);
 * /v-paced/ and /app-paced/ are the same pages whose workers wait CometBFT's default timeout_commit.
 */
async function pages(): Promise<Record<string, [string, string]>> {
  const [validator, worker, pacedWorker, app, timeline, standIn, standInWorker] = await Promise.all([
    bundle('bench/browser-validator.entry.ts'),
    bundle('bench/browser-validator.worker.entry.ts'),
    bundle('bench/browser-validator.worker.entry.ts', { BENCH_TIMEOUT_COMMIT: String(DEFAULT_CONSENSUS_CONFIG.timeoutCommit) }),
    bundle('src/ui/main.tsx'),
    bundle('src/ui/timeline.worker.ts'), // where Timeline.tsx's `new URL('./timeline.worker.ts', import.meta.url)` points
    // the round trip's stand-ins: page-transport.spec.ts's own (a Switch with peer exchange and an echo)
    bundle('e2e/live-page.entry.ts'),
    bundle('e2e/live-page-worker.entry.ts'),
  ]);
  const html = (dir: string, css = false) =>
    `<!doctype html><meta charset="utf-8">${css ? `<link rel="stylesheet" href="/${dir}/bundle.css">` : ''}<div id="root"></div><script type="module" src="/${dir}/bundle.js"></script>`;
  const JS = 'text/javascript';
  const bare = (dir: string, nodeWorker: string) => ({
    [`/${dir}/`]: ['text/html', html(dir)],
    [`/${dir}/bundle.js`]: [JS, validator.js],
    [`/${dir}/live.worker.ts`]: [JS, nodeWorker],
  });
  const theApp = (dir: string, nodeWorker: string) => ({
    [`/${dir}/`]: ['text/html', html(dir, true)],
    [`/${dir}/bundle.js`]: [JS, app.js],
    [`/${dir}/bundle.css`]: ['text/css', app.css],
    [`/${dir}/live.worker.ts`]: [JS, nodeWorker],
    [`/${dir}/timeline.worker.ts`]: [JS, timeline.js],
  });
  return {
    ...bare('v', worker.js),
    ...theApp('app', worker.js),
    ...bare('v-paced', pacedWorker.js),
    ...theApp('app-paced', pacedWorker.js),
    '/r/': ['text/html', html('r')],
    '/r/bundle.js': [JS, standIn.js],
    '/r/live.worker.ts': [JS, standInWorker.js],
  };
}

/** The pages, and the hub's /genesis.json and /hub.json passed through, as the hub serves the app. */
async function serve(hubHttp: string, files: Record<string, [string, string]>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/genesis.json' || path === '/hub.json') {
      void fetch(hubHttp + path).then(
        async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(await r.text());
        },
        (e: Error) => (res.writeHead(502), res.end(e.message)),
      );
      return;
    }
    const file = files[path];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain', 'cache-control': 'no-store' });
    res.end(file?.[1] ?? 'not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(null)));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** CPU time (user + system, ms) by process kind: the hub's tree, and Chromium's by its --type. */
type CpuSample = Map<string, number>;
interface CpuAt {
  /** ms, performance.timeOrigin + now() */
  t: number;
  cpu: CpuSample;
}

/** Descendants of this process, each with its kind (`hub`, `browser`, `renderer <pid>`, `gpu`, `utility`, `zygote`) and CPU ms so far. */
function treeCpu(hubPid: number | undefined): CpuSample {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const f = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ');
      parent.set(Number(name), Number(f[1]));
      cpu.set(Number(name), (Number(f[11]) + Number(f[12])) * 10); // USER_HZ 100
    } catch {
      // gone meanwhile
    }
  }
  const under = (pid: number, root: number) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === root) return true;
    return false;
  };
  const out: CpuSample = new Map();
  for (const [pid, ms] of cpu) {
    if (pid === process.pid || !under(pid, process.pid)) continue;
    let kind = 'hub';
    if (hubPid === undefined || !under(pid, hubPid)) {
      let args = '';
      try {
        args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        // gone meanwhile
      }
      const type = /--type=([a-z-]+)/.exec(args)?.[1];
      kind = type === 'renderer' ? `renderer ${pid}` : type === 'gpu-process' ? 'gpu' : (type ?? 'browser');
    }
    out.set(kind, (out.get(kind) ?? 0) + ms);
  }
  return out;
}

/** CPU ms per height between two samples, by kind; renderers listed one by one, busiest first. */
function cpuPerHeight(a: CpuSample, b: CpuSample, heights: number) {
  const d = (k: string) => ((b.get(k) ?? 0) - (a.get(k) ?? 0)) / heights;
  const kinds = [...b.keys()];
  const renderers = kinds.filter((k) => k.startsWith('renderer')).map(d).filter((x) => x > 0).sort((x, y) => y - x);
  const chromium = kinds.filter((k) => k !== 'hub').reduce((sum, k) => sum + d(k), 0);
  return { chromiumMs: chromium, hubMs: d('hub'), browserProcessMs: d('browser'), gpuMs: d('gpu'), utilityMs: d('utility'), renderersMs: renderers };
}

interface Hub {
  child: ChildProcess;
  /** height → when this process read its commit line */
  commits: Map<number, number>;
  lines: string[];
}

function startHub(home: string, ports: number[]): Hub {
  const args = [BIN, 'hub', '--home', home, '--port', String(ports[0]), '--ws-port', String(ports[1]), '--http-port', String(ports[2]), '--timeout-commit', '0'];
  // stdin is a pipe that closes if we die, so the hub stops rather than outliving the bench
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, [STOP_ON_STDIN_EOF]: '1' } });
  const hub: Hub = { child, commits: new Map(), lines: [] };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^height (\d+) committed in round/.exec(line);
    if (!m) return void hub.lines.push(line);
    hub.commits.set(Number(m[1]), performance.now());
  });
  createInterface({ input: child.stderr! }).on('line', (line) => hub.lines.push(`stderr: ${line}`));
  return hub;
}

/** Polls `read` until `ok`; the failure names what it waited for and the last reading. */
async function waitFor<T>(what: string, read: () => Promise<T>, ok: (x: T) => boolean, ms: number, every = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const x = await read();
    if (ok(x)) return x;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}; last: ${JSON.stringify(x).slice(0, 600)}`);
    await sleep(every);
  }
}

// ---- the floor's page-side figures ---------------------------------------------------------------

/** Signed precommits of the four validators: what the page's verifier is timed on. */
function verifyItems(seeds: Uint8Array[]) {
  return seeds.map((seed, i) => {
    const pubKey = publicKeyFromSeed(seed);
    const message = voteSignBytes(CHAIN, {
      type: SignedMsgType.Precommit, height: 12, round: 0,
      blockId: { hash: new Uint8Array(32).fill(7), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(8) } },
      timestamp: { seconds: 1700000000, nanos: i },
    });
    return { pubKey: toHex(pubKey), message: toHex(message), signature: toHex(signSync(seed, message)) };
  });
}

/** The floor's network figures: the worker↔worker round trip and the pages' libp2p ping (null: none came back). */
interface RoundTrip {
  workerRoundTripP50Ms: number;
  workerRoundTripP99Ms: number;
  samples: number;
  pageRoundTripLibp2pPingMs: number | null;
}

/** Worker → bridge → page libp2p → WebRTC → page libp2p → bridge → worker and back, 64 B, between two stand-in tabs. */
async function workerRoundTrip(browser: Browser, origin: string): Promise<RoundTrip> {
  const contexts = await Promise.all([0, 1].map(() => browser.newContext()));
  try {
    const [pa, pb] = await Promise.all(contexts.map(async (c) => {
      const p = await c.newPage();
      await p.goto(`${origin}/r/`);
      await p.waitForFunction(() => typeof window.startLive === 'function');
      return p;
    }));
    await Promise.all([pa, pb].map((p) => p.evaluate(() => window.startLive())));
    const state = (p: Page) => p.evaluate(() => window.liveState());
    const [ra, rb] = await waitFor('both stand-in workers reporting', () => Promise.all([state(pa), state(pb)]), ([x, y]) => x.worker !== null && y.worker !== null, 10_000);
    const [a, b] = [ra.worker!.peerId, rb.worker!.peerId];
    await waitFor(
      'the stand-ins connected over WebRTC',
      () => Promise.all([state(pa), state(pb)]),
      ([x, y]) => x.stats.some((s) => s.id === b && s.transport === 'webrtc') && y.stats.some((s) => s.id === a && s.transport === 'webrtc') && !!x.worker?.switchPeers.includes(b),
      30_000,
    );
    const WARM = 50;
    const TRIPS = 300;
    await pa.evaluate(([p, n]) => window.liveRtt(p, n), [b, WARM + TRIPS] as const);
    const done = await waitFor('the round trips', () => state(pa), (x) => (x.worker as StandInReport).roundTrips.length >= WARM + TRIPS, 30_000, 250);
    const trips = done.worker!.roundTrips.slice(WARM);
    // the page pings each peer every 5 s, each ping given 5 s: on a loaded machine one may time out,
    // and a missing ping figure is no reason to lose the run's others (null then)
    const ping = await waitFor('a libp2p ping between the tabs', () => state(pa), (x) => x.stats.find((s) => s.id === b)?.rttMs != null, 20_000, 250).catch(() => null);
    return {
      workerRoundTripP50Ms: quantile(trips, 0.5),
      workerRoundTripP99Ms: quantile(trips, 0.99),
      samples: trips.length,
      pageRoundTripLibp2pPingMs: ping?.stats.find((s) => s.id === b)?.rttMs ?? null,
    };
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
}

/** Starts the app page's CPU profile and trace; the returned function stops both and writes them to PROFILE_DIR. */
async function startProfile(browser: Browser, page: Page, name: string): Promise<() => Promise<void>> {
  mkdirSync(PROFILE_DIR!, { recursive: true });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await browser.startTracing(page, { path: join(PROFILE_DIR!, `${name}-trace.json`), categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(join(PROFILE_DIR!, `${name}.cpuprofile`), JSON.stringify(profile));
    await browser.stopTracing();
    await cdp.detach();
  };
}

/** The app page replaying `recorded` (REPLAY), after the validators closed: its frames once 4 s have played. */
async function replayed(browser: Browser, origin: string, recorded: unknown[]): Promise<FramesWithCpu> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(FRAME_PROBE);
    await page.addInitScript(`window.__replay = ${JSON.stringify(recorded)};`);
    await page.addInitScript(REPLAY);
    await page.goto(`${origin}/app/?join`);
    await page.evaluate(() => (window as unknown as { replay(ms: number): void }).replay(14_000));
    await page.waitForTimeout(4000);
    return await framesWithCpu(page);
  } finally {
    await context.close();
  }
}

// ---- the run ------------------------------------------------------------------------------------

interface Tab {
  context: BrowserContext;
  page: Page;
  address: string;
}

const statusOf = (t: Tab) => t.page.evaluate(() => window.__bench.status);

export async function browserValidators(): Promise<Record<string, unknown>> {
  const { chromium } = await import('@playwright/test');
  let browser: Browser;
  try {
    browser = await chromium.launch(CHROMIUM);
  } catch (e) {
    return { skipped: `Chromium did not start: ${(e as Error).message.split('\n')[0]}` };
  }
  const machineLoad1mAtStart = loadavg()[0];
  const root = mkdtempSync(join(tmpdir(), 'prevote-bench-browser-'));
  let hub: Hub | null = null;
  let server: Server | null = null;
  const errors: string[] = [];
  try {
    const files = await pages();
    // the chain: four validator keys (the tabs'), a hub home with that genesis and no validator key
    const seeds = Array.from({ length: N }, newSeed);
    const pubKeys = seeds.map(publicKeyFromSeed);
    const addresses = pubKeys.map((k) => toHex(addressFromPubKey(k)).toUpperCase());
    const paths = homePaths(join(root, 'hub'));
    mkdirSync(paths.config, { recursive: true });
    writeFileSync(paths.genesis, genesisJson(CHAIN, pubKeys.map((pubKey, i) => ({ pubKey, name: `tab${i}` })), Date.now()));
    writeFileSync(paths.nodeKey, nodeKeyJson(newSeed()));
    const ports = await freePorts(3);
    const h = (hub = startHub(paths.home, ports));
    const hubHttp = `http://127.0.0.1:${ports[2]}`;
    await waitFor('the hub serving /hub.json', () => fetch(`${hubHttp}/hub.json`).then((r) => r.ok, () => h.child.exitCode !== null), (ok) => ok, 30_000);
    if (h.child.exitCode !== null) throw new Error(`the hub exited: ${h.lines.slice(-5).join(' | ')}`);
    const served = await serve(hubHttp, files);
    server = served.server;
    const { origin } = served;
    const newTab = async (viewport?: { width: number; height: number }) => {
      const context = await browser.newContext(viewport ? { viewport } : {});
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
      await page.addInitScript(INIT);
      await page.addInitScript(FRAME_PROBE);
      await page.addInitScript(RECORD);
      await page.goto(`${origin}/v/`);
      await page.waitForFunction(() => typeof window.benchPutKey === 'function');
      return { context, page };
    };

    // the floor's in-page figures, before any validator runs, in a profile of their own
    const floorTab = await newTab();
    const verify = await floorTab.page.evaluate(([items, ms]) => window.benchVerify(items, ms), [verifyItems(seeds), 1500] as const);
    const idb = (await floorTab.page.evaluate((n) => window.benchIdb(n), 200)) as { rawPutStrict: { p50Ms: number; p99Ms: number }; idbWalWriteSync: { p50Ms: number; p99Ms: number }; ownVote: { signingJournal: { p50Ms: number } } };
    await floorTab.context.close();

    // the validators: each profile gets its key first; tab 0 is the app, the others the bare page
    const tabs: Tab[] = [];
    for (let i = 0; i < N; i++) {
      const { context, page } = await newTab(i === 0 ? { width: 1400, height: 950 } : undefined);
      await page.evaluate(([seed, pub, chain]) => window.benchPutKey(seed, pub, chain), [toHex(seeds[i]), toHex(pubKeys[i]), CHAIN] as const);
      tabs.push({ context, page, address: addresses[i] });
    }
    const app = tabs[0];
    await app.page.goto(`${origin}/app/?join`);
    const isValidator = (t: Tab) => async () => statusOf(t);
    const validating = (t: Tab) => (s: LiveStatus | null) => s?.stage === 'validator' && s.address === t.address;
    await waitFor('the app tab validating with its genesis key', isValidator(app), validating(app), 60_000);
    // the app's frames while its node waits at height 1 for the other three: the page at rest
    const beforeChainRuns = frameStats(await app.page.evaluate((ms) => window.frameTimes(ms), FRAME_MS));
    await Promise.all(tabs.slice(1).map((t) => t.page.evaluate(() => window.benchStart())));
    const statuses = await Promise.all(tabs.map((t) => waitFor(`tab ${tabs.indexOf(t)} validating with its genesis key`, isValidator(t), validating(t), 60_000)));
    const peerIds = statuses.map((s) => s!.peerId);

    // every pair of tabs on a direct WebRTC connection (the bare pages see the app's side too)
    const meshStarted = performance.now();
    await waitFor(
      'the four tabs meshed over direct WebRTC',
      () => Promise.all(tabs.slice(1).map((t) => t.page.evaluate(() => window.benchPeers()))),
      (all) => all.every((stats, k) => peerIds.filter((_, j) => j !== k + 1).every((id) => stats.some((s) => s.id === id && s.transport === 'webrtc'))),
      60_000,
      250,
    );
    const meshMs = performance.now() - meshStarted;
    // progress as tab 1's worker reports it (its status, every 250 ms): the hub, a full node on
    // the same cores, may fall behind the tabs
    const committed = async () => (await statusOf(tabs[1]))?.committed ?? 0;
    const start = (await committed()) + WARMUP;
    const end = start + HEIGHTS;
    // CPU every 200 ms on the tabs' clock (wall-clock based, as theirs), cut to their window afterwards
    const cpuSamples: CpuAt[] = [];
    const sampler = setInterval(() => cpuSamples.push({ t: performance.timeOrigin + performance.now(), cpu: treeCpu(h.child.pid) }), 200);
    try {
      await waitFor(`the tabs at height ${end + 2}`, async () => ({ committed: await committed(), hubExited: h.child.exitCode }), (x) => x.committed >= end + 2 || x.hubExited !== null, 180_000, 250);
    } finally {
      clearInterval(sampler);
    }
    if (h.child.exitCode !== null) throw new Error(`the hub exited: ${h.lines.slice(-5).join(' | ')}`);

    // the app's frames while its tab validates, and the chain's rate meanwhile
    const framesFrom = await committed();
    const framesAt = performance.now();
    // tab 1 at the same time: a page with no views, whose main thread only carries libp2p and the bridge
    const profiling = PROFILE_DIR ? await startProfile(browser, app.page, 'app') : null;
    const [whileValidating, bareWhileValidating] = await Promise.all([app, tabs[1]].map((t) => framesWithCpu(t.page)));
    await profiling?.();
    const recorded = await app.page.evaluate(() => (window as unknown as { __recorded: unknown[] }).__recorded);
    if (PROFILE_DIR) writeFileSync(join(PROFILE_DIR, 'app-messages.json'), JSON.stringify(recorded));
    const heightsPerSecondDuringFrames = ((await committed()) - framesFrom) / ((performance.now() - framesAt) / 1000);

    const records = await waitFor(
      `every tab's record of height ${end}`,
      () => Promise.all(tabs.map((t) => t.page.evaluate(() => window.__bench.heights))),
      (all) => all.every((rs) => rs.some((r) => r.height === end)),
      10_000,
    );
    const peerStats = await Promise.all(tabs.slice(1).map((t) => t.page.evaluate(() => window.benchPeers())));
    const hubBehind = (await committed()) - Math.max(0, ...h.commits.keys());

    // The pace of a testnet a person joins: the same four tabs reloaded into workers that wait
    // CometBFT's default timeout_commit. Each resumes from its IndexedDB (keys, WAL), as a reload
    // does, and the app's frames are taken again while it validates at that pace.
    await app.page.goto(`${origin}/app-paced/?join`);
    for (const t of tabs.slice(1)) {
      await t.page.goto(`${origin}/v-paced/`);
      await t.page.waitForFunction(() => typeof window.benchStart === 'function');
      await t.page.evaluate(() => window.benchStart());
    }
    await Promise.all(tabs.map((t, i) => waitFor(`tab ${i} validating again after its reload`, isValidator(t), validating(t), 60_000)));
    const resumed = await committed();
    await waitFor('three heights at the default pace', committed, (c) => c >= resumed + 3, 60_000, 250);
    const pacedFrom = await committed();
    const pacedAt = performance.now();
    const pacedProfiling = PROFILE_DIR ? await startProfile(browser, app.page, 'app-paced') : null;
    const [pacedApp, pacedBare] = await Promise.all([app, tabs[1]].map((t) => framesWithCpu(t.page)));
    await pacedProfiling?.();
    const paced = { heightsPerSecond: ((await committed()) - pacedFrom) / ((performance.now() - pacedAt) / 1000), app: pacedApp, bare: pacedBare };
    await Promise.all(tabs.map((t) => t.context.close()));

    // the last floor figure, with the validators gone: the worker↔worker round trip
    const rtt = await workerRoundTrip(browser, origin);
    const viewsAlone = await replayed(browser, origin, recorded);

    return report({ records, start, end, hub: h, hubBehind, cpuSamples, verify, idb, rtt, peerStats, peerIds, meshMs, beforeChainRuns, whileValidating, bareWhileValidating, heightsPerSecondDuringFrames, paced, viewsAlone, machineLoad1mAtStart });
  } catch (e) {
    return { failed: (e as Error).message, pageErrors: errors.slice(-5), hubOutput: hub?.lines.slice(-5) ?? [] };
  } finally {
    await browser.close().catch(() => undefined);
    if (hub) await stopAll([hub.child]);
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- the figures --------------------------------------------------------------------------------

interface Measured {
  records: HeightRecord[][];
  start: number;
  end: number;
  hub: Hub;
  hubBehind: number;
  cpuSamples: CpuAt[];
  verify: { batchVerifiesPerSecond: number; singleVerifyP50Ms: number };
  idb: { rawPutStrict: { p50Ms: number; p99Ms: number }; idbWalWriteSync: { p50Ms: number; p99Ms: number }; ownVote: { signingJournal: { p50Ms: number } } };
  rtt: RoundTrip;
  peerStats: { id: string; transport: string; rttMs: number | null }[][];
  peerIds: string[];
  meshMs: number;
  beforeChainRuns: ReturnType<typeof frameStats>;
  whileValidating: FramesWithCpu;
  bareWhileValidating: FramesWithCpu;
  heightsPerSecondDuringFrames: number;
  paced: { heightsPerSecond: number; app: FramesWithCpu; bare: FramesWithCpu };
  viewsAlone: FramesWithCpu;
  machineLoad1mAtStart: number;
}

function report(m: Measured): Record<string, unknown> {
  const { start, end } = m;
  const at = m.records.map((rs) => new Map(rs.map((r) => [r.height, r])));
  const missing = at.findIndex((tab) => !Array.from({ length: end - start + 1 }, (_, k) => start + k).every((h) => tab.has(h)));
  if (missing >= 0) return { failed: `tab ${missing} did not report every height ${start}..${end} (block sync instead of consensus?)` };
  const first = (h: number) => Math.min(...at.map((tab) => tab.get(h)!.committedAt));
  const heights = Array.from({ length: HEIGHTS }, (_, k) => start + 1 + k);
  const heightsPerSecond = HEIGHTS / ((first(end) - first(start)) / 1000);
  const msPerHeight = 1000 / heightsPerSecond;
  const latencies = heights.flatMap((h) => at.map((tab) => tab.get(h)!.committedAt - first(h - 1)));
  const hubWindow = (m.hub.commits.get(end) ?? NaN) - (m.hub.commits.get(start) ?? NaN);

  // each tab's heights: its own commit of h-1 starts h (timeout_commit 0)
  const each = (f: (r: HeightRecord, prev: HeightRecord) => number) => heights.flatMap((h) => at.map((tab) => f(tab.get(h)!, tab.get(h - 1)!)));
  const s = (r: HeightRecord, i: number) => r.steps[i] ?? NaN;
  const strictCounts = heights.map((h) => at.map((tab) => tab.get(h)!.strictTx.length));
  const proposerStrict = median(strictCounts.map((c) => Math.max(...c)));
  const strictLatencies = heights.flatMap((h) => at.flatMap((tab) => tab.get(h)!.strictTx));
  const verifiesPerHeight = median(each((r) => r.verifies));
  // messages through each tab's Switch, split by whether the peer is another tab or the hub
  const tabIds = new Set(m.peerIds);
  const sum = (counts: Record<string, number>, tabs: boolean) => Object.entries(counts).reduce((n, [id, c]) => n + (tabIds.has(id) === tabs ? c : 0), 0);
  const messages = {
    sentToTabs: median(each((r) => sum(r.sent, true))),
    sentToHub: median(each((r) => sum(r.sent, false))),
    receivedFromTabs: median(each((r) => sum(r.received, true))),
    receivedFromHub: median(each((r) => sum(r.received, false))),
    sentBytes: median(each((r) => r.sentBytes)),
    receivedBytes: median(each((r) => r.receivedBytes)),
  };
  const cores = cpus().length;
  // the samples just around the tabs' window, and the heights the tabs committed between them
  const s0 = m.cpuSamples.filter((x) => x.t <= first(start)).at(-1);
  const s1 = m.cpuSamples.find((x) => x.t >= first(end));
  const wallMs = s0 && s1 ? s1.t - s0.t : NaN;
  const cpu = s0 && s1 ? cpuPerHeight(s0.cpu, s1.cpu, wallMs / msPerHeight) : null;

  const floor = {
    verificationMs: (verifiesPerHeight / m.verify.batchVerifiesPerSecond) * 1000,
    durableWritesMs: proposerStrict * m.idb.rawPutStrict.p50Ms,
    networkMs: 1.5 * m.rtt.workerRoundTripP50Ms,
  };
  const floorMsPerHeight = floor.verificationMs + floor.durableWritesMs + floor.networkMs;
  const pingRtts = m.peerStats.flatMap((stats) => stats.filter((x) => m.peerIds.includes(x.id) && x.rttMs !== null).map((x) => x.rttMs!));
  return {
    validators: N,
    setup:
      `${N} Chromium tabs (one browser, a context each) as the genesis validators: tab 0 the app (src/ui/main.tsx, ?join, React views), tabs 1–3 a bare page; ` +
      'each the real LiveNode in a worker (IndexedDB stores, WebCrypto key from the profile\'s vault, libp2p on the page over the bridge), timeout_commit 0, no txs; ' +
      '`prevote hub` (full node, relay, peer exchange) over WebSockets; tab to tab direct WebRTC',
    heights: HEIGHTS,
    warmupHeights: WARMUP,
    meshedOverWebRtcAfterMs: Math.round(m.meshMs),
    // after the measured heights, as tabs 1–3 see their links to the other three tabs
    tabLinksOverWebRtcAtEnd: `${m.peerStats.reduce((n, stats, k) => n + m.peerIds.filter((id, j) => j !== k + 1 && stats.some((x) => x.id === id && x.transport === 'webrtc')).length, 0)}/${(N - 1) * (N - 1)}`,
    heightsPerSecond,
    msPerHeight,
    hub: {
      heightsPerSecond: HEIGHTS / (hubWindow / 1000),
      heightsBehindTabsAtEnd: m.hubBehind,
      note: "the hub's own commit lines over the same heights, as this process read them: a check of the tabs' clock while the hub keeps up; lower (null: it never got there while the tabs ran) when the hub, a full node on the same cores, fell behind the tabs",
    },
    commitLatency: {
      definition:
        "for each measured height h and each tab: the time its worker's engine emitted NewBlock for h minus the time the first tab did for h-1 (each tab then entered h, timeout_commit being 0); times on performance.timeOrigin + now() in the workers, one clock for the four tabs",
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      samples: latencies.length,
    },
    heightsCommittedAfterRound0: heights.filter((h) => at.some((tab) => tab.get(h)!.round > 0)).length,
    // where a height's time goes at one tab
    eachTabPerHeight: {
      definition:
        "medians over the tabs and measured heights, from each worker's events: its commit of h-1 to the first event of h in Propose, to Prevote, to Precommit, to its NewBlock for h; strict IndexedDB transactions (creation to 'complete', queueing included) and the other readwrite ones; messages through its Switch (every channel) to and from the other tabs (WebRTC) and the hub (WebSockets); WebCrypto verifications the node asked for",
      commitToProposeMs: median(each((r, p) => s(r, 3) - p.committedAt)),
      proposeToPrevoteMs: median(each((r) => s(r, 4) - s(r, 3))),
      prevoteToPrecommitMs: median(each((r) => s(r, 6) - s(r, 4))),
      precommitToCommitMs: median(each((r) => r.committedAt - s(r, 6))),
      strictIdbTransactionsProposer: proposerStrict,
      strictIdbTransactionsOthers: median(strictCounts.flat()),
      strictIdbTransactionP50Ms: quantile(strictLatencies, 0.5),
      strictIdbTransactionP99Ms: quantile(strictLatencies, 0.99),
      relaxedIdbTransactions: median(each((r) => r.relaxedTx)),
      messages,
      webCryptoVerifies: verifiesPerHeight,
      webCryptoVerifyCallMs: median(each((r) => r.verifyMs)),
      libp2pPingTabToTabMedianMs: median(pingRtts),
    },
    cpuPerHeight: cpu && {
      definition: `CPU time (user + system) per height over the tabs' measured heights, from /proc sampled every 200 ms: Chromium's processes by kind (a renderer runs one tab: its page and its worker; the browser process runs IndexedDB and the network stack) and the hub's; ${cores} cores, so ${cores} × msPerHeight is all there is`,
      ...cpu,
      busyShareOfAllCores: (cpu.chromiumMs + cpu.hubMs) / (cores * msPerHeight),
      // were the work spread perfectly over the cores, a height could take no less
      allCoresMsPerHeight: (cpu.chromiumMs + cpu.hubMs) / cores,
      // each message a tab's Switch sends is also received once: Chromium's CPU per message sent
      chromiumMsPerMessage: cpu.chromiumMs / (N * (messages.sentToTabs + messages.sentToHub)),
    },
    machineLoad1mAtStart: m.machineLoad1mAtStart,
    machineLoad1mAtEnd: loadavg()[0],
    floor: {
      verification: {
        rawPageVerifiesPerSecond: m.verify.batchVerifiesPerSecond,
        pageSingleVerifyP50Ms: m.verify.singleVerifyP50Ms,
        verifiesPerHeight,
        note: 'the project verifier (WebCrypto) in a page, batches of 256; verifies per height counted at the tabs (anchor 2N+1 = 9: the tabs verify in parallel, a tab not its own)',
        ms: floor.verificationMs,
      },
      durableWrites: {
        rawStrictPutP50Ms: m.idb.rawPutStrict.p50Ms,
        idbWalWriteSyncP50Ms: m.idb.idbWalWriteSync.p50Ms,
        strictTransactionsPerHeightProposer: proposerStrict,
        note: "bench/idb.entry.ts in a page of its own profile before the validators ran: a raw IndexedDB put with durability 'strict'; × the proposer's strict transactions per height, counted at the tabs, which run in series in its loop",
        ms: floor.durableWritesMs,
      },
      network: {
        ...m.rtt,
        roundTripsPerHeight: 1.5,
        note: "worker → bridge → page libp2p → WebRTC → page libp2p → bridge → worker and back (64 B) between two stand-in tabs (e2e/live-page*.entry.ts) after the validators closed; proposal, prevote, precommit: 3 one-way delays",
        ms: floor.networkMs,
      },
      msPerHeight: floorMsPerHeight,
    },
    measuredOverFloor: msPerHeight / floorMsPerHeight,
    // compare.ts takes every `ratio…` as higher-is-better: the share of the floor reached
    ratioFloorToMeasured: floorMsPerHeight / msPerHeight,
    frames: {
      page: 'tab 0: the app (React views, ?join) bundled with esbuild, its worker the bench\'s (timeout_commit 0); 1400×950, headless',
      beforeChainRuns: { note: 'its node a validator at height 1, waiting for the other three tabs', ...m.beforeChainRuns },
      whileValidating: { heightsPerSecond: m.heightsPerSecondDuringFrames, ...m.whileValidating },
      p95RatioToBeforeChainRuns: r2(m.whileValidating.p95Ms / m.beforeChainRuns.p95Ms),
      barePageWhileValidating: { note: 'tab 1 over the same 3 s: no views, its main thread carries only libp2p and the bridge', ...m.bareWhileValidating },
      // what the views cost the main thread, whatever the machine's load did to the frame rates
      viewsMainThreadCpuMsPerS: r2(m.whileValidating.mainThreadCpuMsPerS - m.bareWhileValidating.mainThreadCpuMsPerS),
      // the pace a person joining a testnet sees, after every tab reloaded (and resumed)
      whileValidatingAtDefaultPace: {
        note: `the four tabs reloaded into workers with timeout_commit ${DEFAULT_CONSENSUS_CONFIG.timeoutCommit} ms (CometBFT's default), each resuming from its IndexedDB; the app's frames over 3 s, tab 1's beside them`,
        heightsPerSecond: m.paced.heightsPerSecond,
        app: m.paced.app,
        barePage: m.paced.bare,
      },
      // the views' own cost: frames are not the machine's to give while 4 tabs and a hub share its cores
      viewsAloneOnRecordedMessages: {
        note: "the app page fed the app tab's own worker messages, recorded while it validated at timeout_commit 0, at their recorded times (its last 14 s), with no node, libp2p or other tab running; frames over 3 s",
        ...m.viewsAlone,
      },
    },
  };
}
