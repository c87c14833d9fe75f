// The live view (`/?join`) as a person uses it, without a testnet: a scripted fake runtime is put
// where the entry looks for one (window.__prevoteLiveSource, read by src/ui/main.tsx for tests
// only). Its frames are a recording of the classroom's simulator, so the views draw real rounds;
// its statuses and peers are the test's.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { LiveStatus } from '../src/observe/live.js';
import type { FrameMessage } from '../src/observe/protocol.js';
import { ClassroomSession } from '../src/sim/session.js';

const APP = 'http://127.0.0.1:4173/';
const CHAIN = 'prevote-e2e';
const PEERS = ['12D3KooWHubHubHubHubHubHubHubHubHubHubHubHub1111', '12D3KooWTabTabTabTabTabTabTabTabTabTabTab2222', '12D3KooWFarFarFarFarFarFarFarFarFarFarFar3333'];

/** Frames of 4 simulated validators, one per 100 ms of their clock, as a live node would send them. */
async function recording(seconds: number): Promise<FrameMessage[]> {
  const s = new ClassroomSession();
  await s.load({ validators: 4, seed: 5, timeouts: { timeoutCommit: 300 }, faults: [] });
  const out: FrameMessage[] = [{ type: 'frame', reset: true, events: s.drain(), frame: s.frame(), playing: true }];
  for (let t = 100; t <= seconds * 1000; t += 100) {
    await s.advanceTo(t);
    out.push({ type: 'frame', reset: false, events: s.drain(), frame: s.frame(), playing: true });
  }
  return JSON.parse(JSON.stringify(out)) as FrameMessage[];
}

let frames: FrameMessage[] = [];
test.beforeAll(async () => {
  frames = await recording(60);
});

const status = (over: Partial<LiveStatus> = {}): LiveStatus => ({
  stage: 'full node', why: null, chainId: CHAIN, peerId: '12D3KooWOurOwnPeerIdOurOwnPeerIdOurOwnPeerId9999', address: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
  power: '0', height: 12, committed: 11, lastSigned: null, missedBlocks: 0, peers: PEERS, ...over,
});

/**
 * Installs the fake runtime before the page's scripts run: it records every command, answers
 * exportWal with a few bytes, and plays `frames` every `everyMs` once told to.
 */
async function installFake(page: Page) {
  await page.addInitScript(({ frames }) => {
    type Msg = { type: string; [k: string]: unknown };
    const fake = {
      sent: [] as Msg[],
      emitted: 0,
      receiver: null as ((m: Msg) => void) | null,
      queue: [] as Msg[],
      peers: [] as unknown[],
      emit(m: Msg) {
        if (fake.receiver) fake.receiver(m);
        else fake.queue.push(m);
      },
      play(everyMs: number) {
        const t = setInterval(() => {
          if (fake.emitted >= frames.length) return clearInterval(t);
          fake.emit(frames[fake.emitted++] as unknown as Msg);
        }, everyMs);
      },
    };
    (window as unknown as { __fake: typeof fake }).__fake = fake;
    (window as unknown as { __prevoteLiveSource: unknown }).__prevoteLiveSource = {
      source: {
        send(cmd: Msg) {
          fake.sent.push(cmd);
          if (cmd.type === 'exportWal') fake.emit({ type: 'wal', bytes: new Uint8Array([1, 2, 3, 250]) });
        },
        onMessage(cb: (m: Msg) => void) {
          fake.receiver = cb;
          for (const m of fake.queue.splice(0)) cb(m);
        },
        close() {},
      },
      peerStats: () => fake.peers,
      stop() {},
    };
  }, { frames });
}

const emit = (page: Page, m: unknown) => page.evaluate((m) => (window as unknown as { __fake: { emit(m: unknown): void } }).__fake.emit(m), m);
const sent = (page: Page) => page.evaluate(() => (window as unknown as { __fake: { sent: unknown[] } }).__fake.sent);
const emitted = (page: Page) => page.evaluate(() => (window as unknown as { __fake: { emitted: number } }).__fake.emitted);
const play = (page: Page, everyMs: number) => page.evaluate((ms) => (window as unknown as { __fake: { play(ms: number): void } }).__fake.play(ms), everyMs);

/** The time the network view shows (its heading: "Network t = 1.20 s"). */
async function shownT(page: Page): Promise<number> {
  const text = (await page.getByRole('heading', { name: /^Network/ }).textContent()) ?? '';
  return Number(/t = ([\d.]+) s/.exec(text)![1]);
}

async function openLive(page: Page) {
  await installFake(page);
  await page.goto(`${APP}?join`);
}

test('the stage changes as the node comes up, and why is said when the tab only watches', async ({ page }) => {
  await openLive(page);
  const stage = page.getByLabel('Stage');
  await expect(stage).toContainText('starting');
  await emit(page, { type: 'status', status: status({ stage: 'syncing', height: 3, committed: 2 }) });
  await expect(stage).toContainText('syncing');
  await expect(page.getByLabel('Height')).toHaveText('3 (committed 2)');
  await emit(page, { type: 'status', status: status() });
  await expect(stage).toContainText('full node');
  await expect(page.getByLabel('Chain')).toHaveText(CHAIN);
  await expect(page.getByLabel('Validator address')).toHaveText('A1B2C3D4E5F60718293A4B5C6D7E8F9012345678');
  await expect(page.getByLabel('Peer id')).toHaveAttribute('title', status().peerId);
  await expect(page.getByLabel('Power')).toHaveText('0 (not a validator)');
  await emit(page, { type: 'status', status: status({ stage: 'observer', why: 'Another tab holds this profile’s validator key: this one only watches.' }) });
  await expect(stage).toContainText('observer');
  await expect(page.getByLabel('Why')).toHaveText('Another tab holds this profile’s validator key: this one only watches.');
  await expect(page.getByRole('button', { name: 'Become a validator' })).toBeDisabled();
});

test('Become a validator sends the command and waits for the stage; then the node signs', async ({ page }) => {
  await openLive(page);
  await emit(page, { type: 'status', status: status() });
  await page.getByRole('button', { name: 'Become a validator' }).click();
  await expect(page.getByRole('button', { name: 'Becoming a validator…' })).toBeDisabled();
  expect(await sent(page)).toContainEqual({ type: 'becomeValidator', power: 1 });
  await emit(page, { type: 'status', status: status({ height: 13, committed: 12 }) }); // not in the set yet
  await expect(page.getByRole('button', { name: 'Becoming a validator…' })).toBeVisible();
  await emit(page, { type: 'status', status: status({ stage: 'validator', power: '1', height: 15, committed: 14, lastSigned: { height: 15, round: 0, step: 2 }, missedBlocks: 1 }) });
  await expect(page.getByLabel('Stage')).toContainText('validator');
  await expect(page.getByRole('button', { name: 'Become a validator' })).toBeDisabled();
  await expect(page.getByLabel('Power')).toHaveText('1');
  await expect(page.getByLabel('Last signed')).toHaveText('15/0 prevote');
  await expect(page.getByLabel('Missed blocks')).toHaveText('1');
  await expect(page.getByLabel('Missed blocks')).toHaveAttribute('title', /LastCommit lacks its precommit/);
});

test('the peers table: the node’s peers in order with their transports, round trips and bytes', async ({ page }) => {
  await openLive(page);
  await page.evaluate((ids) => {
    (window as unknown as { __fake: { peers: unknown[] } }).__fake.peers = [
      { id: ids[2], transport: 'relayed', rttMs: 180.6, bytesIn: 2_400_000, bytesOut: 900 },
      { id: ids[0], transport: 'websockets', rttMs: 3.2, bytesIn: 52_000, bytesOut: 48_000 },
      { id: ids[1], transport: 'webrtc', rttMs: null, bytesIn: 0, bytesOut: 0 },
      { id: '12D3KooWNewNewNewNewNewNewNewNewNewNewNew4444', transport: 'tcp', rttMs: 40, bytesIn: 10, bytesOut: 10 },
    ];
  }, PEERS);
  await emit(page, { type: 'status', status: status() });
  const table = page.getByRole('table', { name: /Peers/ });
  const rows = table.locator('tbody tr');
  // polled about once a second
  await expect(rows.locator('td:nth-child(2)')).toHaveText(['WebSockets', 'WebRTC direct', 'relayed', 'TCP'], { timeout: 5000 });
  await expect(rows.nth(0)).toContainText('3 ms');
  await expect(rows.nth(0)).toContainText('52 kB');
  await expect(rows.nth(1)).toContainText('—');
  await expect(rows.nth(2)).toContainText('2.4 MB');
  await expect(rows.nth(3)).toContainText('connecting');
  await expect(rows.nth(0).locator('td').first()).toHaveAttribute('title', PEERS[0]);
});

test('Export WAL saves the node’s WAL as prevote-<chain id>.wal, the prefix once', async ({ page }) => {
  await openLive(page);
  await emit(page, { type: 'status', status: status() });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export WAL' }).click()]);
  expect(download.suggestedFilename()).toBe(`${CHAIN}.wal`); // the chain id 'prevote-e2e' has the prefix already
  expect([...readFileSync((await download.path())!)]).toEqual([1, 2, 3, 250]);
  expect(await sent(page)).toContainEqual({ type: 'exportWal' });
});

test('pause freezes the views while frames keep arriving; scrolling back and "Live" returns to the head', async ({ page }, info) => {
  await openLive(page);
  await emit(page, { type: 'status', status: status() });
  await play(page, 100);
  await expect.poll(() => shownT(page)).toBeGreaterThan(3);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Live' })).toBeVisible();
  const frozenT = await shownT(page);
  const rs = await page.getByTestId('round-state').textContent();
  const before = await emitted(page);
  await page.waitForTimeout(1500);
  expect(await emitted(page)).toBeGreaterThan(before + 5); // the network went on
  expect(await shownT(page)).toBe(frozenT); // the views did not
  expect(await page.getByTestId('round-state').textContent()).toBe(rs);
  await expect(page.getByTestId('live-position')).toContainText('behind live');
  await page.locator('header').screenshot({ path: info.outputPath('frozen-header.png') });
  // scroll back to the oldest kept moment
  const slider = page.getByRole('slider', { name: 'history' });
  await slider.fill(await slider.getAttribute('min') as string);
  await expect.poll(() => shownT(page)).toBeLessThan(frozenT);
  // the arrow keys move through what was kept
  const back = await shownT(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => shownT(page)).toBeGreaterThan(back);
  await page.getByRole('button', { name: 'Live' }).click();
  await expect(page.getByTestId('live-position')).toHaveText(/live$/);
  await expect.poll(() => shownT(page)).toBeGreaterThan(frozenT + 1);
  // and the head keeps moving
  const head = await shownT(page);
  await expect.poll(() => shownT(page)).toBeGreaterThan(head);
});

test('following the network, the Inspector’s height and round are the vote grid’s', async ({ page }) => {
  await openLive(page);
  await emit(page, { type: 'status', status: status() });
  await play(page, 100);
  await expect.poll(() => shownT(page)).toBeGreaterThan(1);
  // both read in one turn of the page: what a person sees side by side at one moment
  const sideBySide = () => page.evaluate(() => {
    const grid = /height (\d+), round (\d+)/.exec(document.querySelector('[data-testid="vote-grid"] h2')?.textContent ?? '');
    const inspector = /^height\/round\/step(\d+)\/(\d+)\//.exec(document.querySelector('[data-testid="round-state"]')?.textContent ?? '');
    return { grid: grid && `${grid[1]}/${grid[2]}`, inspector: inspector && `${inspector[1]}/${inspector[2]}` };
  });
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const { grid, inspector } = await sideBySide();
    expect(grid, `sample ${i}`).not.toBeNull();
    expect(inspector, `sample ${i}`).toBe(grid);
    seen.add(grid!);
    await page.waitForTimeout(100);
  }
  expect(seen.size).toBeGreaterThan(3); // heights and rounds went by while we looked
});

test('from the live view to the classroom, and from a hub-served classroom to the live view', async ({ page }) => {
  await installFake(page);
  // the hub answers /hub.json; vite preview (which serves these tests) answers it with the app's page
  await page.route('**/hub.json', (route) => route.fulfill({ json: { chainId: CHAIN, peerId: PEERS[0], ws: [], tcp: [] } }));
  await page.goto(APP);
  await expect(page.getByTestId('log-hash')).not.toBeEmpty();
  await page.getByRole('link', { name: 'Join the testnet' }).click();
  await expect(page).toHaveURL(/\?join$/);
  await expect(page.getByLabel('Stage')).toContainText('starting');
  await page.getByRole('link', { name: 'Open the classroom' }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:4173\/(#.*)?$/); // the classroom (it writes its lesson in the hash)
  await expect(page.getByTestId('log-hash')).not.toBeEmpty();
  await expect(page.getByTestId('caption')).toContainText('Happy path');
});

test('a page not served by a hub offers no way to join', async ({ page }) => {
  await page.goto(APP);
  await expect(page.getByTestId('log-hash')).not.toBeEmpty();
  await page.waitForTimeout(300); // /hub.json answered (with the app's page)
  await expect(page.getByRole('link', { name: 'Join the testnet' })).toHaveCount(0);
});

test('at 1280×800 the live view fits the width and its text is the app’s size', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openLive(page);
  await page.evaluate((ids) => {
    (window as unknown as { __fake: { peers: unknown[] } }).__fake.peers = ids.map((id, i) => ({ id, transport: ['websockets', 'webrtc', 'relayed'][i], rttMs: 20 * (i + 1), bytesIn: 123_456 * (i + 1), bytesOut: 54_321 * (i + 1) }));
  }, PEERS);
  await emit(page, { type: 'status', status: status({ stage: 'validator', power: '1', lastSigned: { height: 40, round: 0, step: 3 } }) });
  await play(page, 20);
  await expect.poll(() => shownT(page)).toBeGreaterThan(6);
  await expect(page.getByRole('table', { name: /Peers/ }).locator('tbody tr')).toHaveCount(3, { timeout: 5000 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  for (const label of ['Stage', 'Peer id', 'Validator address', 'Last signed']) {
    const size = await page.getByLabel(label).evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(size, label).toBeGreaterThanOrEqual(13);
  }
  await page.screenshot({ path: info.outputPath('live-1280x800.png') });
  await page.screenshot({ path: info.outputPath('live-1280x800-full.png'), fullPage: true });
});
