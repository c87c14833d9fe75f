// A share link the page cannot read: the page says why, runs what it can, and leaves the link in
// the address bar exactly as it was opened, so that it can be reported.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';

/** The built app (playwright.config.ts serves it; PREVOTE_APP points the tests at another server). */
const APP = process.env.PREVOTE_APP ?? 'http://127.0.0.1:4173/';

async function openLink(page: Page, hash: string) {
  await page.goto(`${APP}${hash}`);
  await expect(page.getByTestId('log-hash')).not.toBeEmpty(); // the worker has run and sent a frame
}

test('a damaged scenario in a share link: a notice says why, the lesson runs, the link stays', async ({ page }) => {
  const hash = '#lesson=proposer-crash&s=bm90IGpzb24'; // base64url of "not json"
  await openLink(page, hash);
  const notice = page.getByTestId('caption').locator('.notice');
  await expect(notice).toContainText('This share link could not be read: its scenario is invalid');
  await expect(notice).toContainText('The link is kept in the address bar so you can report it');
  await expect(page.getByTestId('lesson')).toHaveValue('proposer-crash');
  await page.getByTestId('play').click(); // frames keep arriving: none of them rewrites the link
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => location.hash)).toBe(hash);
});

test('an unknown lesson in a share link: a notice names it, the first lesson runs, the link stays', async ({ page }) => {
  const hash = '#lesson=no-such-lesson';
  await openLink(page, hash);
  await expect(page.getByTestId('caption').locator('.notice')).toContainText('This share link could not be read: there is no lesson "no-such-lesson"');
  await expect(page.getByTestId('caption')).toContainText('Happy path');
  expect(await page.evaluate(() => location.hash)).toBe(hash);
});

test('a lesson typed as a query (?lesson=…) opens that lesson, and the address becomes its share link', async ({ page }) => {
  await openLink(page, '?lesson=proposer-crash');
  await expect(page.getByTestId('lesson')).toHaveValue('proposer-crash');
  expect(await page.evaluate(() => location.search)).toBe('');
  expect(await page.evaluate(() => location.hash)).toMatch(/^#lesson=proposer-crash&s=/);
});

test('another share link pasted into the same tab opens its run: only the hash changed, so the page reads it', async ({ page }) => {
  await openLink(page, '#lesson=proposer-crash');
  await expect(page.getByTestId('lesson')).toHaveValue('proposer-crash');
  await page.goto(`${APP}#lesson=partition-heal`); // same document: no reload
  await expect(page.getByTestId('lesson')).toHaveValue('partition-heal');
  await expect(page.getByTestId('caption')).toContainText('Partition');
});
