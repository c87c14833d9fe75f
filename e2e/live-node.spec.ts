// A validator in a browser tab, in Chromium, run by the real worker entry: its keys are made once and are the same after a
// reload, the validator's CryptoKey cannot be exported, its chain lives in IndexedDB (after the
// reload the app is replayed from there and signing carries on above the last signed height), and
// a second tab of the profile is refused the validator's Web Lock and only watches.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { build } from 'esbuild';
import { openBundle } from './bundle.js';

const ENTRY = 'e2e/live-node.entry.ts';

/** The worker entry, bundled as the app would; served at /live.worker.js next to the page's bundle. */
const workerJs = build({ entryPoints: ['src/platform/browser/live.worker.ts'], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022' }).then((o) => o.outputFiles[0].text);

async function openTab(page: Page): Promise<void> {
  await openBundle(page, ENTRY);
  // routes added later win: this one answers the worker's URL, openBundle's the rest
  const js = await workerJs;
  await page.route('http://localhost/live.worker.js', (route) => route.fulfill({ contentType: 'text/javascript', body: js }));
  await page.waitForFunction(() => typeof window.liveStart === 'function');
}

test('a tab keeps its keys across a reload, signs from IndexedDB, and a second tab only watches', async ({ context }) => {
  const page = await context.newPage();
  await openTab(page);
  const first = await page.evaluate(() => window.liveStart());
  expect(first.extractable).toBe(false);
  expect(first.exportRejected).toEqual([true, true, true]);
  expect(first.sigOk).toBe(true);
  expect(first.peerId).toMatch(/^12D3KooW/);
  await page.waitForFunction(() => {
    const s = window.liveStatus();
    return s?.stage === 'validator' && s.committed >= 3 && s.lastSigned !== null;
  });
  const before = await page.evaluate(() => window.liveStatus()!);
  expect(before).toMatchObject({ power: '10', why: null, missedBlocks: 0 });

  // a second tab of the same profile: the lock is taken, so it only watches, as another peer
  const other = await context.newPage();
  await openTab(other);
  const watcher = await other.evaluate(() => window.liveStart());
  expect(watcher.pubKey).toBe(first.pubKey);
  expect(watcher.peerId).not.toBe(first.peerId);
  await other.waitForFunction(() => window.liveStatus()?.stage === 'observer');
  const seen = await other.evaluate(() => window.liveStatus()!);
  expect(seen.why).toMatch(/another tab of this browser profile is this validator/);
  expect(seen.lastSigned).toBeNull();
  await other.close();

  // a reload: the same keys, the chain from IndexedDB, signing goes on above what was signed
  await page.reload();
  await page.waitForFunction(() => typeof window.liveStart === 'function');
  // (the worker's route stays: routes belong to the page, not to the document)
  const again = await page.evaluate(() => window.liveStart());
  expect(again.pubKey).toBe(first.pubKey);
  expect(again.nodeKey).toBe(first.nodeKey);
  expect(again.peerId).toBe(first.peerId);
  await page.waitForFunction((h) => {
    const s = window.liveStatus();
    return s?.stage === 'validator' && s.lastSigned !== null && s.lastSigned.height > h + 1;
  }, before.lastSigned!.height);
  const after = await page.evaluate(() => window.liveStatus()!);
  expect(after.committed).toBeGreaterThan(before.committed);
  expect(await page.evaluate(() => window.liveWal())).toBeGreaterThan(0);
});
