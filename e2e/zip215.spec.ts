// All 16 ZIP-215 vectors verify as valid in Chromium through the project's verifier.
import { expect, test } from '@playwright/test';
import { zip215 } from '../test/shared.js';
import { openBundle } from './bundle.js';

test('ZIP-215 signatures verify in Chromium, WebCrypto rejections rescued by noble', async ({ page }) => {
  await openBundle(page, 'e2e/zip215.entry.ts');
  await page.waitForFunction(() => typeof window.verifyZip215 === 'function');
  const res = await page.evaluate((cases) => window.verifyZip215(cases), zip215.cases);
  expect(res.verdicts).toEqual(zip215.cases.map(() => true));
  if (res.webcrypto) expect(res.rescued).toBeGreaterThan(0);
  test.info().annotations.push({ type: 'webcrypto-ed25519', description: String(res.webcrypto) });
});
