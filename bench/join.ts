// `npm run bench -- join` (issue 13): the product's first journey, timed. `prevote testnet` — a hub
// serving this build of the app and four `prevote node` validators at CometBFT's default
// timeout_commit, each its own process — and one Chromium tab opening its URL with ?join, as a
// person does: the time to the full-node stage, to the validator stage once "Become a validator"
// is clicked, and the tab's frame times while it follows the chain and while it signs.
//
// Unlike `browser` (four tabs validating at timeout_commit 0 on the same two cores), the tab
// here shares the machine with the testnet a person would join: the frames are the product's.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Page } from '@playwright/test';
import { CHROMIUM } from '../e2e/chromium.js';
import { FRAME_PROBE, framesWithCpu } from './frames.js';
import { stopAll } from './libp2p.js';
import { freePorts } from '../src/cli/processes.test-util.js';
import { STOP_ON_STDIN_EOF } from '../src/cli/node.js';

const BIN = fileURLToPath(new URL('../bin/prevote.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** "12/0 precommit" → 12 (the Last signed field of the live view). */
async function signedHeight(page: Page): Promise<number> {
  return Number(((await page.getByLabel('Last signed').textContent()) ?? '0').split('/')[0]) || 0;
}

export async function joinInChromium(): Promise<Record<string, unknown>> {
  const { chromium } = await import('@playwright/test');
  const root = mkdtempSync(join(tmpdir(), 'prevote-bench-join-'));
  const lines: string[] = [];
  let testnet: ChildProcess | null = null;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  try {
    // a build of its own: dist/ may be what other tests are serving
    const dist = join(root, 'dist');
    await build({ logLevel: 'silent', build: { outDir: dist, emptyOutDir: true } });
    const port = await freePorts(14);
    // stdin is a pipe that closes if we die, so the testnet stops rather than outliving the bench
    const child = spawn(process.execPath, [BIN, 'testnet', '--validators', '4', '--home', join(root, 'tn'), '--port', String(port), '--dist', dist], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, [STOP_ON_STDIN_EOF]: '1' },
    });
    testnet = child;
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
    createInterface({ input: child.stderr! }).on('line', (l) => lines.push(`stderr: ${l}`));
    for (let end = Date.now() + 60_000; !lines.some((l) => l.startsWith('open http://')); await sleep(100)) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`the testnet did not serve the app: ${lines.slice(-5).join(' | ')}`);
    }
    const url = lines.find((l) => l.startsWith('open http://'))!.slice('open '.length);
    try {
      browser = await chromium.launch(CHROMIUM);
    } catch (e) {
      return { skipped: `Chromium did not start: ${(e as Error).message.split('\n')[0]}` };
    }
    const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
    await page.addInitScript(FRAME_PROBE);
    const opened = performance.now();
    await page.goto(`${url}?join`);
    const stage = page.getByLabel('Stage');
    await stage.filter({ hasText: /full node/ }).waitFor({ timeout: 90_000 });
    const fullNodeAfterMs = Math.round(performance.now() - opened);
    const followingChain = await framesWithCpu(page);
    const asked = performance.now();
    await page.getByRole('button', { name: 'Become a validator' }).click();
    await stage.filter({ hasText: /^validator/ }).waitFor({ timeout: 60_000 });
    const validatorAfterMs = Math.round(performance.now() - asked);
    // signing: the last signed height moves on, then the frames
    const from = await signedHeight(page);
    for (let end = Date.now() + 30_000; (await signedHeight(page)) < from + 2; await sleep(250)) {
      if (Date.now() > end) throw new Error(`the tab did not sign past height ${from + 1} in 30 s`);
    }
    const signedBefore = await signedHeight(page);
    const at = performance.now();
    const whileSigning = [await framesWithCpu(page), await framesWithCpu(page)];
    const heightsSignedPerSecond = ((await signedHeight(page)) - signedBefore) / ((performance.now() - at) / 1000);
    return {
      setup: "`prevote testnet` (hub serving this build, 4 `prevote node` validators, timeout_commit 1 s) and one Chromium tab at its URL with ?join (1400×950, headless, the app's own worker)",
      fullNodeAfterMs,
      validatorAfterMs,
      frames: {
        followingChain: { note: 'the full node stage: synced, following consensus, not yet a validator', ...followingChain },
        whileSigning: { note: 'the validator stage, two windows of 3 s', heightsSignedPerSecond, windows: whileSigning },
      },
      machineLoad1m: loadavg()[0],
    };
  } catch (e) {
    return { failed: (e as Error).message, testnetOutput: lines.slice(-5) };
  } finally {
    await browser?.close().catch(() => undefined);
    if (testnet) await stopAll([testnet]);
    rmSync(root, { recursive: true, force: true });
  }
}
