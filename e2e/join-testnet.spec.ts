// Issue 13's journey with real processes and real Chromium: `prevote testnet` (a hub serving the
// built app, four validators), two browser profiles opening its URL with ?join.
//   - both tabs block-sync and follow consensus, become validators through the mempool, see each
//     other over a direct WebRTC connection, and their precommits land in the chain's blocks;
//   - closing one leaves the chain committing, and the hub removes it after 20 missed commits;
//     reloading the other resumes it with the same validator address and it signs again;
//   - a second tab of the same profile is refused as a validator and says why;
//   - the tab's WAL exports as a CometBFT WAL that `prevote wal inspect` reads;
//   - across every WAL and every block's commit, no validator signed two different votes for one
//     height, round and type.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from '@playwright/test';
import { BIN, freePorts, heights, prevote, until } from '../src/cli/processes.test-util.js';
import type { Proc } from '../src/cli/processes.test-util.js';
import { homePaths } from '../src/cli/home.js';
import { readWal } from '../src/core/wal/inspect.js';
import { fromHex, toHex } from '../src/core/bytes.js';
import { BlockIDFlag, SignedMsgType } from '../src/core/types.js';
import { LevelBlockStore, LevelStateStore } from '../src/platform/node/level-stores.js';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const N = 4;
let home = '';
let testnet: Proc;
let url = '';
let port = 0;
const contexts: BrowserContext[] = [];
const tabs: { page: Page; address: string }[] = [];
/** WAL files exported from the tabs (the last export of each). */
const exported: string[] = [];

const chainHeight = () => Math.max(0, ...[...heights(testnet.lines)].filter(([n]) => n !== 'hub').map(([, h]) => h));

async function exportWal(page: Page, name: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export WAL' }).click()]);
  const path = join(home, name);
  await download.saveAs(path);
  return path;
}

/** "12/0 precommit" → 12 */
const signedHeight = async (page: Page) => Number(((await page.getByLabel('Last signed').textContent()) ?? '0').split('/')[0]) || 0;

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'prevote-join-'));
  port = await freePorts(10 + N);
  testnet = prevote(['testnet', '--validators', String(N), '--home', join(home, 'tn'), '--port', String(port), '--timeout-commit', '500']);
  await until('the hub serving the app', () => testnet.lines.some((l) => l.startsWith('open http://')), 60_000, testnet);
  url = testnet.lines.find((l) => l.startsWith('open http://'))!.slice('open '.length);
  await until('a few heights', () => chainHeight() >= 3, 60_000, testnet);
});

test.afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  if (testnet && testnet.child.exitCode === null) testnet.child.kill('SIGKILL');
  if (home) rmSync(home, { recursive: true, force: true });
});

/** The timeline's lane names, read by moving the pointer down its left edge as a person would. */
async function laneTitles(page: Page): Promise<string[]> {
  const timeline = page.getByTestId('timeline');
  const box = (await timeline.boundingBox())!;
  const titles: string[] = [];
  for (let y = 1; y < box.height; y += 3) {
    await page.mouse.move(box.x + 20, box.y + y);
    const t = (await timeline.getAttribute('title')) ?? '';
    if (t && titles.at(-1) !== t) titles.push(t);
  }
  return titles;
}

test('two tabs sync, become validators, reach each other over WebRTC, and sign blocks', async ({ browser }) => {
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${url}?join`);
    tabs.push({ page, address: '' });
  }
  for (const tab of tabs) {
    await expect(tab.page.getByLabel('Stage')).toHaveText(/full node/, { timeout: 90_000 });
    tab.address = ((await tab.page.getByLabel('Validator address').textContent()) ?? '').trim();
    expect(tab.address).toMatch(/^[0-9A-F]{40}$/);
    // not in the validator set yet: no column of the vote grid is this tab's
    const columns = tab.page.getByTestId('vote-column');
    await expect(columns).toHaveCount(4);
    await expect(columns.filter({ hasText: 'this tab' })).toHaveCount(0);
    await expect(tab.page.getByTestId('proposer')).toHaveText(/^v[0-3]$/); // named as its column
    // the network view draws the tab and its first peer (the hub) apart, not one on the other
    const net = tab.page.getByTestId('network');
    const [us, hub] = [await net.getByLabel('this tab').boundingBox(), await net.getByTestId('node-1').boundingBox()];
    expect(us && hub && Math.hypot(us.x - hub.x, us.y - hub.y)).toBeGreaterThan(50);
    // the timeline's lanes, top to bottom: this tab, then its peers, as their messages told their
    // steps (a peer's lane comes with its first step message: the network may draw it before)
    let titles: string[] = [];
    await expect.poll(async () => (titles = await laneTitles(tab.page)).length, { timeout: 20_000 }).toBeGreaterThan(1);
    const [first, ...peers] = titles;
    expect(first).toBe('this tab');
    expect(peers.length).toBeGreaterThan(0);
    for (const p of peers) expect(p).toMatch(/: its steps as its NewRoundStep messages reached this tab$/);
    await tab.page.getByRole('button', { name: 'Become a validator' }).click();
  }
  for (const { page } of tabs) {
    await expect(page.getByLabel('Stage')).toHaveText(/^validator/, { timeout: 60_000 });
    await expect(page.getByLabel('Power')).toHaveText('1');
    await expect(page.getByTestId('vote-column').filter({ hasText: /^this tab$/ })).toHaveCount(1, { timeout: 30_000 });
  }
  // each sees the other directly: a WebRTC row besides the hub's WebSockets row
  for (const { page } of tabs) {
    const transports = page.getByRole('table', { name: /Peers/ }).locator('tbody tr td:nth-child(2)');
    await expect(transports.filter({ hasText: 'WebRTC direct' })).toHaveCount(1, { timeout: 60_000 });
    await expect(transports.filter({ hasText: 'WebSockets' }).first()).toBeVisible();
  }
  // signing: the last signed height moves on with the chain
  for (const { page } of tabs) {
    const from = await signedHeight(page);
    await expect.poll(() => signedHeight(page), { timeout: 30_000 }).toBeGreaterThan(from + 2);
  }
});

test('a second tab of the same profile only watches, and says why', async () => {
  const second = await contexts[0].newPage();
  await second.goto(`${url}?join`);
  await expect(second.getByLabel('Stage')).toHaveText(/observer/, { timeout: 60_000 });
  await expect(second.getByLabel('Why')).toContainText(/another tab/i);
  await expect(second.getByRole('button', { name: 'Become a validator' })).toBeDisabled();
  await second.close();
});

test('closing one tab leaves the chain committing; the other reloads with the same key and signs again', async () => {
  exported.push(await exportWal(tabs[1].page, 'tab1.wal'));
  await contexts[1].close();
  const closedAt = chainHeight();
  await until('three more heights after the tab closed', () => chainHeight() >= closedAt + 3, 60_000, testnet);

  const { page, address } = tabs[0];
  const before = await signedHeight(page);
  await page.reload();
  await expect(page.getByLabel('Validator address')).toHaveText(address, { timeout: 60_000 });
  await expect(page.getByLabel('Stage')).toHaveText(/^validator/, { timeout: 90_000 });
  await expect.poll(() => signedHeight(page), { timeout: 60_000 }).toBeGreaterThan(before + 1);
  exported.push(await exportWal(page, 'tab0.wal'));
  // the closed tab holds power no longer: after 20 missed commits the hub submits its removal
  await until('the hub removing the closed tab', () => testnet.lines.some((l) => l.startsWith(`hub: downtime: ${tabs[1].address} missed`)), 90_000, testnet);
  const removedAt = chainHeight();
  await until('the removal in force', () => chainHeight() >= removedAt + 4, 60_000, testnet);
});

test('the tab’s WAL reads as a CometBFT WAL; blocks carry the tabs’ precommits; nobody signed twice', async () => {
  for (const path of exported) {
    // run to its end whatever its status: a failure shows what inspect said (a CI run once saw exit 1)
    const r = spawnSync(process.execPath, [BIN, 'wal', 'inspect', path], { encoding: 'utf8' });
    expect(r.status, `wal inspect ${path}: ${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/: cometbft, \d+ records/);
    expect(r.stdout).toMatch(/corruption: none/);
  }
  testnet.child.kill('SIGINT');
  expect(await testnet.exit).toEqual({ code: 0, signal: null });
  // the tab left without its hub says so, where it shows its stage and its peers
  const { page } = tabs[0];
  await expect(page.getByLabel('Connection', { exact: true })).toHaveText(/^no peers: cut off from the testnet/, { timeout: 30_000 });
  await expect(page.getByTestId('live-peers')).toContainText('none now: redialling the hub');

  // every vote each signer signed, from the validators' WALs, the tabs' WALs and every block's commit
  const seen = new Map<string, Set<string>>();
  const note = (address: string, height: number, round: number, type: number, blockId: string) => {
    const key = `${address}/${height}/${round}/${type}`;
    seen.set(key, (seen.get(key) ?? new Set()).add(blockId));
  };
  const wals = [...Array.from({ length: N }, (_, i) => homePaths(join(home, 'tn', `node${i}`)).wal), ...exported];
  for (const path of wals) {
    for (const { record: r } of readWal(new Uint8Array(readFileSync(path))).entries) {
      if (r.type !== 'msgInfo' || r.msg.kind !== 'Vote') continue;
      const v = r.msg.vote;
      note(toHex(v.validatorAddress), v.height, v.round, v.type, toHex(v.blockId.hash));
    }
  }
  const states = await LevelStateStore.open(homePaths(join(home, 'tn', 'node0')).data);
  const finalSet = states.loadValidators(states.load()!.lastBlockHeight)!;
  await states.close();
  expect(finalSet.getByAddress(fromHex(tabs[0].address.toLowerCase()))).not.toBeNull();
  expect(finalSet.getByAddress(fromHex(tabs[1].address.toLowerCase())), 'the closed tab was removed for downtime').toBeNull();
  const store = await LevelBlockStore.open(homePaths(join(home, 'tn', 'node0')).data);
  const signedBy = new Map(tabs.map((t) => [t.address.toLowerCase(), 0]));
  try {
    for (let h = 2; h <= store.height(); h++) {
      const commit = store.loadBlock(h)!.lastCommit!;
      for (const sig of commit.signatures) {
        if (sig.blockIdFlag === BlockIDFlag.Absent) continue;
        const address = toHex(sig.validatorAddress);
        note(address, commit.height, commit.round, SignedMsgType.Precommit, sig.blockIdFlag === BlockIDFlag.Commit ? toHex(commit.blockId.hash) : '');
        if (signedBy.has(address)) signedBy.set(address, signedBy.get(address)! + 1);
      }
    }
  } finally {
    await store.close();
  }
  for (const [address, n] of signedBy) expect(n, `blocks carrying ${address}'s precommit`).toBeGreaterThan(0);
  const doubles = [...seen].filter(([, ids]) => ids.size > 1).map(([k]) => k);
  expect(doubles, 'validator/height/round/type signed for two blocks').toEqual([]);
  writeFileSync(join(home, 'checked'), `${seen.size} votes`);
});

test('a hub restarted on a new chain: the cut-off tab says its chain is gone, and a reload joins the new one', async () => {
  const { page } = tabs[0];
  const old = await page.getByLabel('Chain', { exact: true }).textContent();
  testnet = prevote(['testnet', '--validators', String(N), '--home', join(home, 'tn'), '--port', String(port), '--timeout-commit', '500', '--reset']);
  await until('the new chain committing', () => chainHeight() >= 2, 60_000, testnet);
  const connection = page.getByLabel('Connection', { exact: true });
  await expect(connection).toContainText('the hub now serves another chain', { timeout: 30_000 });
  await connection.getByRole('button', { name: /^Reload to join / }).click();
  await expect(page.getByLabel('Chain', { exact: true })).not.toHaveText(old!, { timeout: 60_000 });
  await expect(page.getByLabel('Stage')).toHaveText(/^(syncing|full node)/, { timeout: 60_000 });
});
