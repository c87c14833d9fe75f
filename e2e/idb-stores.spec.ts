// IndexedDB storage in Chromium: the same contracts as the memory and file backends, and a
// chain simulated in the page stored and reloaded bit for bit.
import { expect, test } from '@playwright/test';
import { openBundle } from './bundle.js';

test('IndexedDB stores keep the storage contracts and reload a chain', async ({ page }) => {
  await openBundle(page, 'e2e/idb-stores.entry.ts');
  await page.waitForFunction(() => typeof window.runIdbChecks === 'function');
  const r = await page.evaluate(() => window.runIdbChecks());
  expect(r.simOk).toBe(true);
  expect(r.cacheBounded).toBe(true);
  expect(r.heights).toBeGreaterThanOrEqual(3);
  expect(r.sameBlocks).toBe(true);
  expect(r.sameState).toBe(true);
  expect(r.walRecords).toBe(r.walRecordsExpected);
});
