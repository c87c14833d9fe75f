// The classroom as a person uses it, against the built app in Chromium.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';

const APP = 'http://127.0.0.1:4173/';

async function open(page: Page, url = APP) {
  await page.goto(url);
  await expect(page.getByTestId('log-hash')).not.toBeEmpty();
}

/** Reads the selected node's height/round from the inspector. */
async function heightRound(page: Page): Promise<[number, number]> {
  const text = (await page.getByTestId('round-state').locator('dd').first().textContent()) ?? '';
  const [h, r] = text.split('/').map(Number);
  return [h, r];
}

async function seekTo(page: Page, t: number) {
  await page.getByTestId('seek').fill(String(t));
  await expect(page.getByTestId('time')).toHaveText(`${(t / 1000).toFixed(2)} s`);
}

test('happy path: height 3 is reached and the grid shows +2/3 precommits for the committed block', async ({ page }, info) => {
  await open(page);
  await expect(page.getByTestId('caption')).toContainText('Happy path');
  await page.getByTestId('speed').selectOption('4');
  await page.getByTestId('play').click();
  await expect.poll(async () => (await heightRound(page))[0], { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await page.getByTestId('play').click(); // pause
  // the previous height's commit: more than two thirds of the precommits for one block
  const last = page.getByTestId('vote-bits').locator('tr', { hasText: 'LastCommit' });
  await expect(last).toContainText('+2/3 for');
  const bits = (await last.locator('code').textContent())!;
  expect((bits.match(/x/g) ?? []).length).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('checks')).toContainText('✓ agreement');
  for (const [name, sel] of [['app', 'body'], ['network', '.network'], ['votes', '.votes'], ['inspector', '.inspector'], ['timeline', '.timeline'], ['lesson', '.lesson']] as const) {
    await page.locator(sel).first().screenshot({ path: info.outputPath(`${name}.png`) });
  }
});

test('crashing the proposer makes the round change', async ({ page }) => {
  await open(page);
  await page.getByTestId('node-0').click(); // n0 proposes height 1
  await page.getByTestId('crash').click();
  await expect(page.getByTestId('restart')).toBeVisible();
  await page.getByTestId('node-1').click();
  await page.getByTestId('speed').selectOption('8');
  await page.getByTestId('play').click();
  await expect.poll(async () => (await page.getByTestId('time').textContent())!, { timeout: 30_000 }).toMatch(/^([6-9]|\d\d+)\./);
  await page.getByTestId('play').click(); // pause
  await seekTo(page, 3500);
  expect(await heightRound(page)).toEqual([1, 0]); // waiting for a proposal that will not come
  await seekTo(page, 6000);
  // timeouts moved everyone to round 1, whose proposer's block the other three committed
  expect((await heightRound(page))[0]).toBe(2);
  await expect(page.getByTestId('vote-bits')).toContainText('LastCommit H1 R1');
});

test('seeking back and forward restores the identical state', async ({ page }) => {
  await open(page);
  await seekTo(page, 6000);
  const hash = await page.getByTestId('log-hash').textContent();
  const rs = await page.getByTestId('round-state').textContent();
  await seekTo(page, 2000);
  expect(await page.getByTestId('log-hash').textContent()).not.toBe(hash);
  await seekTo(page, 6000);
  await expect(page.getByTestId('log-hash')).toHaveText(hash!);
  expect(await page.getByTestId('round-state').textContent()).toBe(rs);
});

test('a shared URL reproduces the identical event log', async ({ page, context }) => {
  await open(page);
  await page.getByTestId('lesson').selectOption('partition-heal');
  await seekTo(page, 2500);
  await page.getByTestId('node-3').click();
  await page.getByTestId('crash').click(); // an action of ours, recorded in the URL
  await seekTo(page, 9000);
  const hash = await page.getByTestId('log-hash').textContent();
  const url = page.url();
  expect(url).toContain('lesson=partition-heal');
  const other = await context.newPage();
  await open(other, url);
  await seekTo(other, 9000);
  await expect(other.getByTestId('log-hash')).toHaveText(hash!);
});
