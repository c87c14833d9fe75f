// The classroom app in Debian's Chromium: time from navigation to the first drawn frame and to
// the first commit, and the page's frame times while a network runs (4 and 100 validators),
// each beside the same page's frame times while paused, measured in the same run; and how long
// seeking takes (to 40 s, back, ahead, a dragged slider), from asking to the frame drawn, with the
// classroom worker's own CPU time in the first seek and the machine's load beside it.
import { gzipSync } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import type { Browser, Page } from '@playwright/test';
import { CHROMIUM } from '../e2e/chromium.js';
import { encodeShare } from '../src/ui/url.js';
import type { Scenario } from '../src/core/scenario.js';
import { FRAME_PROBE, frameStats } from './frames.js';


declare global {
  interface Window {
    seekTo(ms: number, drag?: number): Promise<number>;
    watchFirstCommit(): void;
    firstCommitAt?: number;
  }
}

const FIRST_COMMIT_PROBE = `
/** performance.now() when the inspector first shows height 2 (the first commit), polled every 10 ms. */
window.watchFirstCommit = () => {
  const id = setInterval(() => {
    const h = Number(document.querySelector('[data-testid=round-state] dd')?.textContent?.split('/')[0] ?? 0);
    if (h >= 2) { window.firstCommitAt = performance.now(); clearInterval(id); }
  }, 10);
};`;

/**
 * Installed in the page: moves the seek slider to `ms` as a hand would (input events, through the
 * value setter React listens to; `drag` > 0 first passes that many positions on the way, 10 ms
 * apart) and resolves with the ms until the time shown is the one asked for.
 */
const SEEK_PROBE = `
window.seekTo = (ms, drag = 0) => new Promise((resolve) => {
  const slider = document.querySelector('[data-testid=seek]');
  const time = document.querySelector('[data-testid=time]');
  const want = (ms / 1000).toFixed(2) + ' s';
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const from = Number(slider.value);
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    if (time.textContent === want) { obs.disconnect(); resolve(performance.now() - t0); }
  });
  obs.observe(time, { childList: true, characterData: true, subtree: true });
  const move = (v) => { set.call(slider, String(Math.round(v))); slider.dispatchEvent(new Event('input', { bubbles: true })); };
  for (let k = 1; k <= drag; k++) setTimeout(() => move(from + ((ms - from) * k) / (drag + 1)), 10 * (k - 1));
  setTimeout(() => move(ms), 10 * drag);
});`;

/**
 * On-CPU and run-queue ms so far of the threads named `name` (Chromium's "DedicatedWorker") in
 * this process's descendants, from Linux's schedstat; null elsewhere. On a shared machine a seek's
 * wall time is mostly the worker waiting for a core: its own CPU time compares across runs.
 */
function threadTimes(name: string): { cpuMs: number; waitMs: number } | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((x) => /^\d+$/.test(x));
  } catch {
    return null; // no /proc
  }
  const children = new Map<number, number[]>();
  for (const d of pids) {
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // a process that ended meanwhile
    }
  }
  const out = { cpuMs: 0, waitMs: 0 };
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      try {
        for (const tid of readdirSync(`/proc/${child}/task`)) {
          if (!readFileSync(`/proc/${child}/task/${tid}/comm`, 'utf8').startsWith(name)) continue;
          const [run, wait] = readFileSync(`/proc/${child}/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);
          out.cpuMs += run / 1e6;
          out.waitMs += wait / 1e6;
        }
      } catch {
        // a process that ended meanwhile
      }
      visit(child);
    }
  };
  visit(process.pid);
  return out;
}

/** Seconds the page's pace is read after the first commit (a few heights at 100 validators). */
const PACE_SAMPLES = 12;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Reads the selected node's height from the inspector. */
const heightShown = (page: Page) => page.evaluate(() => Number(document.querySelector('[data-testid=round-state] dd')?.textContent?.split('/')[0] ?? 0));

async function measure(browser: Browser, url: string, speed: string, untilCommit = true) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
  await page.addInitScript(FRAME_PROBE);
  await page.addInitScript(FIRST_COMMIT_PROBE);
  await page.goto(url);
  await page.waitForFunction(() => (document.querySelector('[data-testid=log-hash]')?.textContent ?? '') !== '');
  const firstFrameMs = await page.evaluate(() => performance.now());
  const paused = frameStats(await page.evaluate(() => window.frameTimes(3000)));
  await page.getByTestId('speed').selectOption(speed);
  const played = await page.evaluate(() => (window.watchFirstCommit(), performance.now()));
  await page.getByTestId('play').click();
  const running = frameStats(await page.evaluate(() => window.frameTimes(6000)));
  let firstCommitAfterPlayMs: number | null = null;
  if (untilCommit) {
    await page.waitForFunction(() => window.firstCommitAt !== undefined, null, { timeout: 300_000 });
    firstCommitAfterPlayMs = Math.round((await page.evaluate(() => window.firstCommitAt!)) - played);
  }
  // the pace the page reports once the run is past its first commit (shown only when it falls
  // behind the speed asked: absent, it keeps up), read once a second for PACE_SAMPLES s, a few
  // heights: a height has phases that keep up (timeouts) and phases that fall behind (votes), so a
  // few seconds' reading swung between "keeps up" and half the speed from one run to the next
  const paces: number[] = [];
  for (let i = 0; untilCommit && i < PACE_SAMPLES; i++) {
    await page.waitForTimeout(1000);
    paces.push(await page.evaluate((asked) => {
      const text = document.querySelector('[data-testid=pace]')?.textContent;
      return text ? Number(text.match(/([\d.]+)×/)?.[1]) : asked;
    }, Number(speed)));
  }
  const behind = paces.filter((p) => p < Number(speed));
  const achievedPace = paces.length === 0 ? null : median(paces);
  const behindShare = paces.length === 0 ? null : behind.length / paces.length;
  const paceWhenBehind = behind.length === 0 ? null : median(behind);
  const height = await heightShown(page);
  await page.close();
  return { firstFrameMs: Math.round(firstFrameMs), firstCommitAfterPlayMs, achievedPace, behindShare, paceWhenBehind, heightAtEnd: height, paused, running, p95RatioToPaused: Math.round((running.p95Ms / paused.p95Ms) * 100) / 100 };
}

/**
 * Seeking in the happy-path lesson as a presenter does: straight to 40 s once the page is open,
 * then (after the worker has had `idleMs` to make restart points while the teacher talks) back
 * to 20 s, ahead to 40 s, one second back, and a 30-step drag back to 10 s.
 */
async function seeking(browser: Browser, url: string, idleMs = 20_000) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
  await page.addInitScript(SEEK_PROBE);
  await page.goto(url);
  await page.waitForFunction(() => (document.querySelector('[data-testid=log-hash]')?.textContent ?? '') !== '');
  const r = (x: number) => Math.round(x);
  const loadAverage = loadavg()[0];
  const before = threadTimes('DedicatedWorker');
  const to40AfterOpeningMs = r(await page.evaluate(() => window.seekTo(40_000)));
  const after = threadTimes('DedicatedWorker');
  // the classroom worker's own time in that seek, and its time waiting for a core (the rest is the page's)
  const to40AfterOpeningWorker = before && after ? { cpuMs: r(after.cpuMs - before.cpuMs), waitingMs: r(after.waitMs - before.waitMs) } : null;
  await page.waitForTimeout(idleMs);
  const back20Ms = r(await page.evaluate(() => window.seekTo(20_000)));
  const ahead40Ms = r(await page.evaluate(() => window.seekTo(40_000)));
  const back39Ms = r(await page.evaluate(() => window.seekTo(39_000)));
  const drag40To10Ms = r(await page.evaluate(() => window.seekTo(10_000, 30)));
  await page.close();
  // a presenter who opens the page and drags the slider a moment later: the worker makes restart
  // points from the moment the run opens (the first seek's own replay cannot be shortened)
  const later = await browser.newPage({ viewport: { width: 1400, height: 950 } });
  await later.addInitScript(SEEK_PROBE);
  await later.goto(url);
  await later.waitForFunction(() => (document.querySelector('[data-testid=log-hash]')?.textContent ?? '') !== '');
  await later.waitForTimeout(2000);
  const to40TwoSecondsAfterOpeningMs = r(await later.evaluate(() => window.seekTo(40_000)));
  await later.close();
  return { to40AfterOpeningMs, to40AfterOpeningWorker, to40TwoSecondsAfterOpeningMs, idleMs, back20Ms, ahead40Ms, back39Ms, drag40To10Ms, loadAverage };
}

export async function uiInChromium(): Promise<Record<string, unknown>> {
  const { chromium } = await import('@playwright/test');
  // a build of its own: dist/ may be what other tests are serving
  const outDir = mkdtempSync(join(tmpdir(), 'prevote-bench-ui-'));
  try {
    return await uiIn(chromium, outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function uiIn(chromium: typeof import('@playwright/test').chromium, outDir: string): Promise<Record<string, unknown>> {
  const built = await build({ logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  const files = (Array.isArray(built) ? built : [built]).flatMap((b) => ('output' in b ? b.output : []));
  const size = (re: RegExp) => {
    const bytes = files.filter((f) => re.test(f.fileName)).map((f) => Buffer.from('code' in f ? f.code : f.source));
    return { bytes: bytes.reduce((s, b) => s + b.length, 0), gzip: bytes.reduce((s, b) => s + gzipSync(b).length, 0) };
  };
  const server = await preview({ logLevel: 'silent', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const base = server.resolvedUrls!.local[0];
  let browser: Browser;
  try {
    browser = await chromium.launch(CHROMIUM);
  } catch (e) {
    await server.close();
    return { skipped: `Chromium did not start: ${(e as Error).message.split('\n')[0]}` };
  }
  try {
    const hundred: Scenario = { validators: 100, seed: 1, topology: 'regular:8', timeouts: { timeoutCommit: 1000 }, faults: [] };
    // BENCH_UI=seek measures the seeks only (a minute instead of several)
    if (process.env.BENCH_UI === 'seek') return { seek: await seeking(browser, base) };
    return {
      bundle: { page: size(/^assets\/index-.*\.js$/), worker: size(/worker.*\.js$/), css: size(/\.css$/) },
      // the page as `npm start` opens it: the happy-path lesson, 4 validators, played at 1×
      validators4: await measure(browser, base, '1'),
      // seeking in that lesson (the target: well under 200 ms)
      seek: await seeking(browser, base),
      // 100 validators gossiping on a random 8-regular graph (the worker falls behind the wall clock; the page must not)
      validators100: await measure(browser, `${base}${encodeShare(null, hundred)}`, '1'),
      // on a full mesh each node has 99 peers (the peers table's worst case); frames only, a height takes minutes here
      validators100FullMesh: await measure(browser, `${base}${encodeShare(null, { ...hundred, topology: 'full' })}`, '1', false),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
