// The classroom as a person uses it, against the built app in Chromium.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { scanCometWal } from '../src/core/wal/scan.js';

/** The built app (playwright.config.ts serves it; PREVOTE_APP points the tests at another server). */
const APP = process.env.PREVOTE_APP ?? 'http://127.0.0.1:4173/';

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

/** Clicks a node and waits until the node tools act on it (as a person sees its name there). */
async function pick(page: Page, n: number) {
  await page.getByTestId(`node-${n}`).click();
  await expect(page.locator('.faults > b')).toHaveText(`n${n}`);
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
  // hovering a cell shows the row's raw bit-array and that validator's vote
  await page.getByTestId('vote-canvas').hover({ position: { x: 112 + 9, y: 22 + 9 } });
  await expect(page.getByTestId('vote-canvas')).toHaveAttribute('title', /^LastCommit H\d+ R\d+ BA\{4:[x_]{4}\} · n\d \(validator 0, [0-9A-F]{12}\): block [0-9A-F]+/);
  // the proposer is a node, its address on hover
  await expect(page.getByTestId('proposer')).toHaveText(/^n\d$/);
  await expect(page.getByTestId('proposer')).toHaveAttribute('title', /^address [0-9A-F]{40}$/);
  // the step colours have a legend, "down" included
  await expect(page.getByTestId('step-legend')).toContainText('Prevote');
  await expect(page.getByTestId('step-legend')).toContainText('down');
  await expect(page.getByTestId('checks')).toContainText('✓ agreement');
  for (const [name, sel] of [['app', 'body'], ['network', '.network'], ['votes', '.votes'], ['inspector', '.inspector'], ['timeline', '.timeline'], ['lesson', '.lesson']] as const) {
    await page.locator(sel).first().screenshot({ path: info.outputPath(`${name}.png`) });
  }
});

test('crashing the proposer makes the round change', async ({ page }) => {
  await open(page);
  await pick(page, 0); // n0 proposes height 1
  await page.getByTestId('crash').click();
  await expect(page.getByTestId('restart')).toBeVisible();
  await pick(page, 1);
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
  await pick(page, 3);
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

test('forcing the timeouts moves the round on without waiting timeout_propose', async ({ page }) => {
  await open(page);
  await pick(page, 0);
  await page.getByTestId('crash').click(); // the proposer of height 1
  await seekTo(page, 1500);
  for (const n of [1, 2, 3]) {
    await pick(page, n);
    await page.getByTestId('force-timeout').click();
  }
  await seekTo(page, 3500); // unforced, the three would still wait in round 0 (see the crash test)
  const [h, r] = await heightRound(page);
  expect(h > 1 || r > 0).toBe(true);
  expect(page.url()).toContain('lesson=happy-path');
});

test('partition by dragging nodes across the line, then heal', async ({ page }) => {
  await open(page);
  await page.getByTestId('partition-mode').click();
  const drag = async (n: number, dx: number) => {
    const box = (await page.getByTestId(`node-${n}`).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + 10, { steps: 6 });
    await page.mouse.up();
  };
  // no node sits on the line: each is on a side from the start, and one dragged across moves alone
  await expect(page.getByTestId('partition-tools')).toContainText('{n2,n3} | {n0,n1}');
  await drag(0, -110);
  await expect(page.getByTestId('partition-tools')).toContainText('{n0,n2,n3} | {n1}');
  await drag(2, 110);
  await expect(page.getByTestId('partition-tools')).toContainText('{n0,n3} | {n1,n2}');
  await page.getByTestId('cut').click();
  await expect(page.locator('.link.cut')).toHaveCount(4);
  await seekTo(page, 5000); // two against two: nobody has +2/3, nothing commits
  expect((await heightRound(page))[0]).toBe(1);
  await page.getByTestId('heal').click();
  await expect(page.locator('.link.cut')).toHaveCount(0);
  await seekTo(page, 9000);
  expect((await heightRound(page))[0]).toBeGreaterThan(1);
});

test('messages on the wire are drawn while playing and can be turned off', async ({ page }) => {
  await open(page);
  await page.getByTestId('speed').selectOption('0.25');
  await page.getByTestId('play').click();
  await expect.poll(() => page.locator('.messages circle').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByTestId('show-messages').uncheck();
  await expect(page.locator('.messages')).toHaveCount(0);
});

test('settings start a network of 7 validators with unequal powers; bad values are named', async ({ page }) => {
  await open(page);
  await page.getByTestId('settings').click();
  await page.getByTestId('set-validators').fill('7');
  await page.getByTestId('set-powers').fill('1, 2');
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('settings-problems')).toContainText('powers');
  // a seed the browser's own check refuses: the powers problem, about the form as it was, is gone
  await page.getByTestId('set-powers').fill('');
  await page.getByTestId('set-seed').fill('1.5');
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('settings-problems')).toHaveCount(0);
  await page.getByTestId('set-seed').fill('1');
  await page.getByTestId('set-powers').fill('10, 10, 10, 10, 10, 10, 40');
  await page.getByTestId('set-timeoutCommit').fill('200');
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('node-6')).toBeVisible();
  await expect(page.getByTestId('lesson')).toHaveValue('');
  await expect(page.getByTestId('run-title')).toHaveText('Your network');
  await seekTo(page, 4000);
  expect((await heightRound(page))[0]).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('vote-grid')).toContainText('LastCommit');
});

test('a ring is drawn as a ring: each node linked to its two gossip peers, not to every other', async ({ page }) => {
  await open(page);
  await page.getByTestId('settings').click();
  await page.getByTestId('set-validators').fill('6');
  await page.getByTestId('set-topology').selectOption('ring');
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('node-5')).toBeVisible();
  await expect(page.getByTestId('network').locator('line.link')).toHaveCount(6);
  await page.getByTestId('settings').click();
  await page.getByTestId('set-topology').selectOption('full');
  await page.getByTestId('apply-settings').click();
  await expect(page.getByTestId('network').locator('line.link')).toHaveCount(15);
});

test('a presenter steps through the captions with a clicker: the run plays to each and pauses there', async ({ page }) => {
  await open(page);
  await expect(page.getByTestId('caption-index')).toHaveText('0/5');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('caption-index')).toHaveText('1/5', { timeout: 20_000 });
  await expect(page.getByTestId('play')).toHaveText('Play'); // paused at the caption
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('caption-index')).toHaveText('2/5', { timeout: 20_000 });
  await expect(page.getByTestId('caption')).toContainText('prevotes the block');
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('caption-index')).toHaveText('1/5');
  await page.keyboard.press('p');
  await expect(page.locator('.app.presenter')).toHaveCount(1);
  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toContainText('next / previous caption');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toHaveCount(0);
});

test('one link made slow and lossy is recorded as that action and replays from the link', async ({ page, context }) => {
  await open(page);
  await seekTo(page, 1500);
  await pick(page, 2);
  await page.getByTestId('link-peer').selectOption('1');
  await page.getByTestId('links-in').click();
  const lastAction = () => JSON.parse(Buffer.from(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('s')!, 'base64url').toString()).faults.at(-1);
  await expect.poll(lastAction).toMatchObject({ kind: 'delay', from: 1, to: 2, delayMin: 800, delayMax: 1200, dropRate: 0, duration: 5000 });
  await seekTo(page, 6000);
  const hash = await page.getByTestId('log-hash').textContent();
  const other = await context.newPage();
  await open(other, page.url());
  await seekTo(other, 6000);
  await expect(other.getByTestId('log-hash')).toHaveText(hash!);
});

test('exports: the event log as JSON with its hash, and a node’s WAL as a CometBFT WAL file', async ({ page }) => {
  await open(page);
  await seekTo(page, 3000);
  const hash = (await page.getByTestId('log-hash').textContent())!;
  const [events] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'export events' }).click()]);
  const log = JSON.parse(readFileSync((await events.path())!, 'utf8'));
  expect(log.logHash.startsWith(hash)).toBe(true);
  expect(log.events.some((e: { type: string }) => e.type === 'NewBlock')).toBe(true);
  const [wal] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'export WAL of n0' }).click()]);
  expect(wal.suggestedFilename()).toBe('n0.wal');
  const scan = scanCometWal(new Uint8Array(readFileSync((await wal.path())!)));
  expect(scan.corruption).toBeNull();
  expect(scan.entries.filter((e) => e.record.type === 'endHeight').length).toBeGreaterThanOrEqual(2);
  expect(scan.entries.some((e) => e.record.type === 'msgInfo' && e.record.peerId === '')).toBe(true);
});

test('clicking a mark on the timeline shows the event and the rule behind it', async ({ page }) => {
  await open(page);
  await seekTo(page, 3000);
  const box = (await page.getByTestId('timeline').boundingBox())!;
  const laneY = box.y + 24 + 22 / 2; // n0's swimlane
  // marks are found within 6 px of a click: sweeping the lane every 10 px hits one
  for (let x = box.x + 44; x < box.x + box.width - 10; x += 10) {
    await page.mouse.click(x, laneY);
    if (await page.getByTestId('rule').count()) break;
  }
  const rule = page.getByTestId('rule');
  await expect(rule).toBeVisible();
  await expect(rule).toContainText(/Alg\. 1|spec §/);
  await expect(page.locator('.inspector .event')).toContainText('on n0');
});

test('100 validators: every node is drawn, the grid fits its panel with a column each, and the run plays', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const s = Buffer.from(JSON.stringify({ validators: 100, seed: 1, topology: 'regular:8', faults: [] })).toString('base64url');
  await open(page, `${APP}#s=${s}`);
  await expect(page.locator('[data-testid^=node-]')).toHaveCount(100);
  await expect(page.getByTestId('vote-grid')).toContainText('HeightVoteSet of n0');
  await expect(page.getByTestId('vote-column')).toHaveCount(100);
  // the grid and its +2/3 tally stay inside the panel: no scrolling sideways to find them
  const [canvas, panel] = await Promise.all([page.getByTestId('vote-canvas').boundingBox(), page.getByTestId('vote-grid').boundingBox()]);
  expect(canvas!.x + canvas!.width).toBeLessThanOrEqual(panel!.x + panel!.width);
  // the Network panel's header keeps its buttons inside the panel, with the clusters toggle a crowd adds
  const network = (await page.locator('.network').boundingBox())!;
  for (const id of ['clusters', 'partition-mode']) {
    const b = (await page.getByTestId(id).boundingBox())!;
    expect(b.x + b.width, id).toBeLessThanOrEqual(network.x + network.width);
  }
  // a node's name shows on hover
  await page.getByTestId('node-37').hover();
  await expect(page.getByTestId('hover-label')).toContainText('n37');
  // Play at the default pace (follow): a crowd is not slowed to a lesson's pace, so the first
  // commit comes in seconds (it took half a minute)
  await expect(page.getByTestId('speed')).toHaveValue('auto');
  await page.getByTestId('play').click();
  await expect(page.getByTestId('round-state').locator('dd').first()).toHaveText(/^2\//, { timeout: 20_000 });
  await expect(page.getByTestId('peers').locator('tbody tr')).toHaveCount(8); // d = 8
  // going back a second replays a crowd from its start (no restart point fits): the page says
  // where the replay is while it runs, instead of seeming to ignore the key
  await page.locator('h1').click();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Play');
  const before = Number((await page.getByTestId('time').textContent())!.split(' ')[0]);
  await page.keyboard.press('Shift+ArrowLeft');
  // a frame of the last slice may still move the time after the pause: the target is a second back from where it stopped
  const seeking = page.getByTestId('seeking');
  await expect(seeking).toContainText(/^going to \d+\.\d\d s: at \d+\.\d\d s$/);
  const to = /going to (\d+\.\d\d) s/.exec((await seeking.textContent())!)![1];
  expect(Number(to)).toBeLessThan(before);
  await expect(seeking).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('time')).toHaveText(`${to} s`);
});

test('a presenter goes through every caption of the lock lessons in order, after choosing the lesson and clicking the seek bar', async ({ page }) => {
  await open(page);
  for (const [id, texts] of [
    ['lock-on-polka', ['locks on B', 'two for B, two nil', 'Round 1. n0 stays locked', 'committed in round 1']],
    ['pol-reproposal', ['valid block', 'proposes its valid block B with POLRound', 'gets a prevote', 'Committed in round 1']],
  ] as const) {
    await page.getByTestId('lesson').selectOption(id); // the picker has the focus now
    await expect(page.getByTestId('caption-index')).toHaveText('0/4');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('PageDown');
      await expect(page.getByTestId('caption-index')).toHaveText(`${i + 1}/4`, { timeout: 20_000 });
      await expect(page.getByTestId('caption-text')).toContainText(texts[i]);
      await expect(page.getByTestId('lesson')).toHaveValue(id); // the key did not change the lesson
      if (i === 2) {
        await page.keyboard.press('PageUp'); // back one, to the caption of the same moment
        await expect(page.getByTestId('caption-index')).toHaveText('2/4');
        await expect(page.getByTestId('caption-text')).toContainText(texts[1]);
        await page.keyboard.press('PageDown');
        await expect(page.getByTestId('caption-index')).toHaveText('3/4');
      }
    }
  }
  // the seek bar has the focus: PageDown does not move it, space plays and pauses
  await page.getByTestId('lesson').selectOption('lock-on-polka');
  await page.getByTestId('seek').click({ position: { x: 3, y: 5 } });
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('caption-index')).toHaveText('1/4', { timeout: 20_000 });
  const t = Number((await page.getByTestId('time').textContent())!.split(' ')[0]);
  expect(t).toBeGreaterThan(1);
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('caption-index')).toHaveText('2/4');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Pause');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Play');
  expect(Number((await page.getByTestId('time').textContent())!.split(' ')[0])).toBeGreaterThanOrEqual(t);
  // the lock is a drawn icon, not an emoji
  await expect(page.getByTestId('lock-icon').first()).toBeVisible();
  await expect(page.getByTestId('network')).not.toContainText('🔒');
});

test('grid columns carry node names: the crashed node’s column is the one empty', async ({ page }) => {
  await open(page);
  await pick(page, 2);
  await page.getByTestId('crash').click();
  await pick(page, 0);
  await seekTo(page, 2500);
  const names = await page.getByTestId('vote-column').allTextContents();
  expect([...names].sort()).toEqual(['n0', 'n1', 'n2', 'n3']);
  const rows = await page.getByTestId('vote-bits').locator('code').allTextContents();
  const voted = rows.filter((r) => (r.match(/x/g) ?? []).length === 3); // the rows all three live nodes voted in
  expect(voted.length).toBeGreaterThan(0);
  const empty = [0, 1, 2, 3].filter((i) => voted.every((r) => r.slice('BA{4:'.length)[i] === '_'));
  expect(empty.map((i) => names[i])).toEqual(['n2']);
});

test('the teacher’s action takes the run off the lesson’s script; the lesson can be had back', async ({ page }) => {
  await open(page);
  await page.getByTestId('lesson').selectOption('proposer-crash');
  await seekTo(page, 1500);
  await expect(page.getByTestId('off-script')).toHaveCount(0);
  await pick(page, 0);
  await page.getByTestId('crash').click();
  await expect(page.getByTestId('off-script')).toContainText('the lesson’s captions no longer apply from here');
  await seekTo(page, 1000); // before the action the run is still the lesson's
  await expect(page.getByTestId('off-script')).toHaveCount(0);
  await seekTo(page, 2000);
  await page.getByTestId('back-to-lesson-here').click();
  await expect(page.getByTestId('time')).toHaveText('2.00 s');
  await expect(page.getByTestId('off-script')).toHaveCount(0);
  expect(JSON.parse(Buffer.from(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('s')!, 'base64url').toString()).faults).toHaveLength(1);
});

test('equivocation: the Byzantine node is marked on the network', async ({ page }) => {
  await open(page);
  await page.getByTestId('lesson').selectOption('equivocation');
  await seekTo(page, 2000);
  await expect(page.getByTestId('byzantine')).toHaveCount(1);
  await expect(page.getByTestId('node-1').getByTestId('byzantine')).toHaveCount(1);
});

test('at 1280×800 the Inspector’s peers table fits its panel: no column cut off, a value too long for its cell ends in an ellipsis with a title', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page);
  await page.getByTestId('next-polka').click(); // proposals, votes and catch-up commits in the table
  await expect(page.getByTestId('caption-index')).not.toHaveText(/^0\//);
  await expect(page.getByTestId('peers').locator('tbody tr')).toHaveCount(3);
  await page.locator('.inspector').screenshot({ path: info.outputPath('inspector-1280x800.png') });
  // anything wider than its box, the peers table's scroll area included, unless it is cut with an
  // ellipsis and its title gives the value (the lists of what is lacking give theirs in full)
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.inspector, .inspector *')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1)
      .filter((el) => {
        const css = getComputedStyle(el);
        return !(css.textOverflow === 'ellipsis' && css.overflowX === 'hidden' && el.title !== '');
      })
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el.clientWidth}: ${el.textContent!.slice(0, 50)}`),
  );
  expect(cut).toEqual([]);
  // the vote bit arrays of a 4-validator lesson show whole
  for (const col of [4, 5]) {
    const cells = page.getByTestId('peers').locator(`tbody td:nth-child(${col})`);
    for (const el of await cells.all()) expect(await el.evaluate((td) => td.scrollWidth <= td.clientWidth)).toBe(true);
  }
});
