// The WAL debugger (issue 14) as an operator uses it: files chosen, dropped or pasted into `/?wal`;
// what the page shows is checked against the CLI run on the same files — the record counts against
// `prevote wal inspect`, the signatures against `prevote wal verify --genesis`, the damage of
// damaged copies at the offset inspect reports, the export against `wal export --json` — then the
// diagnosis of a node stuck at height 1, four simulated nodes' WALs merged on one clock, and a
// share link that brings the console back to its position once the file is given again.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { SHARED } from '../test/shared.js';
import { concat, toHex } from '../src/core/bytes.js';
import { encodeWalRecord } from '../src/core/wal/record.js';
import { readWal } from '../src/core/wal/inspect.js';
import { Simulation } from '../src/sim/simulation.js';

const APP = 'http://127.0.0.1:4173/?wal';
const FIXTURES = `${SHARED}fixtures/wal/`;
const COMET = `${FIXTURES}cometbft/`;
const V010 = `${FIXTURES}tendermint-v0.10/`;
const DAMAGED = join('test-results', 'wal-debugger-damaged');

/** `prevote …` run on the files (exit 1 on damage is a result, not a failure). */
function prevote(...args: string[]): string {
  const r = spawnSync('node', ['bin/prevote.js', ...args], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`prevote ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

interface Inspected {
  records: number;
  byKind: Record<string, number>;
  corruption: { index: number; offset: number; reason: string } | null;
}
const inspect = (file: string): Inspected => JSON.parse(prevote('wal', 'inspect', file, '--json')) as Inspected;
const kinds = (byKind: Record<string, number>) => Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ');

async function openDebugger(page: Page): Promise<void> {
  await page.goto(APP);
  await expect(page.getByRole('heading', { name: /WAL debugger/ })).toBeVisible();
}

const chooser = (page: Page) => page.getByLabel('Choose WAL files');

/** Who sent a height's round-0 proposal to the classroom's n0 (a peer's id there is its node's name; '' is n0's own). */
const proposalSender = (entries: ReturnType<typeof readWal>['entries'], height: number): string => {
  const p = entries.find(({ record: r }) => r.type === 'msgInfo' && r.msg.kind === 'Proposal' && r.msg.proposal.height === height && r.msg.proposal.round === 0)!.record;
  return p.type === 'msgInfo' && p.peerId !== '' ? p.peerId : 'n0';
};
/** The file list's row of a file: its cells, in the table's column order. */
const row = (page: Page, name: string): Locator => page.getByRole('region', { name: 'WAL files' }).locator('tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) });
const cell = (r: Locator, column: 'format' | 'records' | 'kinds' | 'damage') => r.locator('td').nth({ format: 1, records: 3, kinds: 4, damage: 7 }[column]);

/** Drops files on the drop zone as a browser does: a drop event whose DataTransfer holds them. */
async function drop(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const dt = await page.evaluateHandle((fs) => {
    const t = new DataTransfer();
    for (const f of fs) t.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return t;
  }, files.map((f) => ({ name: f.name, bytes: [...f.bytes] })));
  await page.getByRole('region', { name: 'Load WAL files' }).dispatchEvent('drop', { dataTransfer: dt });
}

/** Pastes into the page: text, or a file, as the clipboard gives them. */
async function paste(page: Page, what: { text: string } | { name: string; bytes: Uint8Array }): Promise<void> {
  const arg = 'text' in what ? { text: what.text } : { name: what.name, bytes: [...what.bytes] };
  await page.evaluate((w) => {
    const dt = new DataTransfer();
    if (w.text !== undefined) dt.setData('text/plain', w.text);
    else dt.items.add(new File([new Uint8Array(w.bytes!)], w.name!));
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, arg as { text?: string; name?: string; bytes?: number[] });
}

test('every fixture WAL shows the record counts `prevote wal inspect` prints', async ({ page }) => {
  const comet = readdirSync(COMET).filter((f) => f.endsWith('.wal'));
  const v010 = readdirSync(V010).filter((f) => f.endsWith('.cswal'));
  expect(comet.length + v010.length).toBeGreaterThanOrEqual(9);
  await openDebugger(page);
  // CometBFT WALs through the file chooser, the v0.10 ones dropped
  await chooser(page).setInputFiles(comet.map((f) => COMET + f));
  await drop(page, v010.map((f) => ({ name: f, bytes: readFileSync(V010 + f) })));
  for (const [dir, f] of [...comet.map((f) => [COMET, f]), ...v010.map((f) => [V010, f])]) {
    const want = inspect(dir + f);
    const r = row(page, f);
    await expect(cell(r, 'records'), f).toHaveText(String(want.records));
    await expect(cell(r, 'kinds'), f).toHaveText(kinds(want.byKind));
    await expect(cell(r, 'damage'), f).toHaveText('none');
  }
  await expect(page.getByRole('progressbar')).toHaveCount(0);
});

test('with a genesis beside the WAL, the signature counts are `prevote wal verify`’s', async ({ page }) => {
  await openDebugger(page);
  const pairs = ['v0.34-beradevnet', 'v0.37-stuck-height1'];
  await chooser(page).setInputFiles(pairs.flatMap((p) => [`${COMET}${p}.wal`, `${COMET}${p}.genesis.json`]));
  for (const p of pairs) {
    const want = JSON.parse(prevote('wal', 'verify', `${COMET}${p}.wal`, '--genesis', `${COMET}${p}.genesis.json`, '--json')) as {
      byValidator: Record<string, { votes: { valid: number; invalid: number }; proposals: { valid: number } }>;
      unknownKeyVotes: number;
      unverifiedProposals: number;
    };
    const table = page.getByRole('table', { name: new RegExp(`^Signatures of ${p}\\.wal against ${p}\\.genesis\\.json`) });
    await expect(table).toBeVisible();
    for (const [address, c] of Object.entries(want.byValidator)) {
      await expect(table.getByRole('row', { name: new RegExp(address) }).locator('td')).toHaveText([address, String(c.votes.valid), String(c.votes.invalid), String(c.proposals.valid)]);
    }
    await expect(table.getByTestId('unknown-key-votes')).toHaveText(String(want.unknownKeyVotes));
    await expect(table.getByTestId('unverified-proposals')).toHaveText(String(want.unverifiedProposals));
  }
  // each vote and proposal of the replayed file carries its mark: the records around the position
  await page.getByRole('radio', { name: 'Replay v0.34-beradevnet.wal' }).check();
  await page.getByLabel('records applied', { exact: true }).fill('12');
  await page.getByRole('button', { name: 'Go to record' }).click();
  const records = page.getByRole('list', { name: 'Records around the position' });
  await expect(records.getByLabel('signature valid').first()).toBeVisible();
  await expect(records.getByLabel('signature INVALID')).toHaveCount(0);
  // the genesis' one key verified this round's proposal: the node itself proposed, named as its
  // genesis names it (the gen_tx's moniker), not after the file
  await expect(page.getByTestId('proposer')).toHaveText('node0');
});

test('a genesis chosen alone is read and kept for the WAL to come', async ({ page }) => {
  await openDebugger(page);
  await chooser(page).setInputFiles(`${COMET}v0.37-stuck-height1.genesis.json`);
  await expect(page.getByTestId('genesis-alone')).toHaveText(
    'Genesis read: v0.37-stuck-height1.genesis.json (chain mainnet, 1 validator key). Now add a WAL of this chain to replay: its signatures will be checked against it.',
  );
  await chooser(page).setInputFiles(`${COMET}v0.37-stuck-height1.wal`);
  await expect(page.getByTestId('genesis-alone')).toHaveCount(0);
  await expect(page.getByRole('table', { name: /^Signatures of v0\.37-stuck-height1\.wal against v0\.37-stuck-height1\.genesis\.json/ })).toBeVisible();
});

test('damaged copies show the damage at the offset `prevote wal inspect` reports, and the readable prefix', async ({ page }) => {
  mkdirSync(DAMAGED, { recursive: true });
  const bytes = readFileSync(`${COMET}v0.34-kvstore-a.wal`);
  const flipped = Buffer.from(bytes);
  flipped[200_000] ^= 0x10;
  const copies: Record<string, Uint8Array> = {
    'kvstore-a.truncated.wal': bytes.subarray(0, bytes.length - 37),
    'kvstore-a.flipped.wal': flipped,
    'kvstore-a.garbage.wal': Buffer.concat([bytes, Buffer.from('\x00\x01garbage appended by a full disk')]),
    'small_block2.truncated.cswal': readFileSync(`${V010}small_block2.cswal`).subarray(0, 5000),
  };
  for (const [name, b] of Object.entries(copies)) writeFileSync(join(DAMAGED, name), b);
  await openDebugger(page);
  await chooser(page).setInputFiles(Object.keys(copies).map((n) => join(DAMAGED, n)));
  for (const name of Object.keys(copies)) {
    const want = inspect(join(DAMAGED, name));
    expect(want.corruption, name).not.toBeNull();
    const c = want.corruption!;
    await expect(cell(row(page, name), 'damage'), name).toHaveText(`record #${c.index}, byte ${c.offset}`);
    await expect(cell(row(page, name), 'records'), name).toHaveText(String(want.records));
    const damage = page.getByLabel(`Damage in ${name}`);
    await expect(damage).toContainText(`damaged at record #${c.index}, byte offset ${c.offset}: ${c.reason}.`);
    await expect(damage).toContainText(`Readable prefix: ${want.records} records loaded`);
  }
  // not a WAL at all: no format is claimed for it, and the damage line asks
  writeFileSync(join(DAMAGED, 'picture.png'), Buffer.from('\x89PNG\r\n\x1a\n not a WAL, a picture'));
  await chooser(page).setInputFiles(join(DAMAGED, 'picture.png'));
  await expect(cell(row(page, 'picture.png'), 'format')).toHaveText('unknown');
  await expect(page.getByLabel('Damage in picture.png')).toContainText('Not one record could be read: is it a WAL?');
  // and the merged timeline places nothing for it, saying why rather than giving it a clock
  const skews = page.getByRole('region', { name: 'Merged timeline' }).getByRole('list', { name: 'Clock skew per WAL' });
  await expect(skews.locator('li').filter({ hasText: 'picture.png' })).toHaveText('picture.png: no records: nothing to place');
});

test('dropped beside junk, the WAL is what the console replays; the junk’s diagnosis says it has no record', async ({ page }) => {
  await openDebugger(page);
  const wal = new Uint8Array(readFileSync(`${COMET}v1.0-baseapp.wal`));
  await drop(page, [
    { name: 'notes.png', bytes: new TextEncoder().encode('\x89PNG not a WAL, a picture dropped with the rest') },
    { name: 'empty.wal', bytes: new Uint8Array(0) },
    { name: 'node0.wal', bytes: wal },
  ]);
  await expect(row(page, 'node0.wal')).toHaveClass('selected');
  await expect(page.getByTestId('position')).toHaveText('0 of 14 records applied');
  const diagnosis = page.getByRole('region', { name: 'Diagnosis' });
  await expect(diagnosis.getByTestId('diagnosis-sentence')).toHaveText(/^Height 2 /);
  await page.getByLabel('Replay empty.wal').check();
  await expect(diagnosis.getByRole('heading')).toHaveText('Diagnosis');
  await expect(diagnosis.getByTestId('diagnosis-sentence')).toHaveText('Not one record could be read: the file is empty. Nothing to diagnose.');
  await page.getByLabel('Replay notes.png').check();
  await expect(diagnosis.getByTestId('diagnosis-sentence')).toHaveText(/^Not one record could be read: it is damaged at its first byte \(.+\)\. Nothing to diagnose\.$/);
});

test('the diagnosis says why height 1 never committed; the console replays it and exports it', async ({ page }) => {
  const file = `${COMET}v0.37-stuck-height1.wal`;
  await openDebugger(page);
  await chooser(page).setInputFiles([file, `${COMET}v0.37-stuck-height1.genesis.json`]);
  const diagnosis = page.getByRole('region', { name: 'Diagnosis' });
  await expect(diagnosis.getByTestId('diagnosis-sentence')).toHaveText(
    /^Height 1 never committed in 45 rounds \(rounds 0–44\): in every round the node had its own complete proposal and still prevoted nil/,
  );
  // the facts behind it: 45 rounds, each with the node's own complete proposal and only nil prevotes
  const rounds = diagnosis.getByRole('table', { name: 'Rounds of height 1' }).locator('tbody tr');
  await expect(rounds).toHaveCount(45);
  for (let r = 0; r < 45; r++) {
    const cells = rounds.nth(r).locator('td');
    await expect(cells.nth(1)).toContainText('(own), parts 1/1');
    await expect(cells.nth(5)).toHaveText(/^nil: 1 \(power 1\)$/);
    await expect(cells.nth(6)).toHaveText('nil');
    await expect(cells.nth(9)).toHaveText('nil');
  }
  // the console: next and back, keys, a jump to a height/round that the RoundState and grid show
  const position = page.getByTestId('position');
  await expect(position).toHaveText('0 of 2004 records applied');
  // before the first record the node has not started a height (not "0/0/Unknown")
  await expect(page.getByTestId('round-state').locator('dd').first()).toHaveText('not started');
  await expect(page.getByTestId('vote-grid').locator('h2')).toContainText('not started');
  await page.getByRole('button', { name: 'Next record' }).click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(position).toHaveText(/^3 of 2004 records applied/);
  await page.getByRole('button', { name: 'Previous record' }).click();
  await expect(position).toHaveText(/^2 of 2004 records applied/);
  // a round the node never entered: the console says which it did, and stays (Enter submits)
  await page.getByLabel('height', { exact: true }).fill('1');
  await page.getByLabel('round', { exact: true }).fill('150');
  await page.getByLabel('round', { exact: true }).press('Enter');
  await expect(page.getByRole('alert')).toHaveText('height 1 has rounds 0–44 in this WAL, not round 150');
  await expect(position).toHaveText(/^2 of 2004 records applied/);
  // a round, a record that is no position: said, not ignored
  await page.getByLabel('round', { exact: true }).fill('-1');
  await page.getByRole('button', { name: 'Go to height/round' }).click();
  await expect(page.getByRole('alert')).toHaveText('round -1 is not a round: height and round are whole numbers, 0 or more');
  const record = page.getByLabel('records applied', { exact: true });
  const jumpToRecord = page.locator('form', { has: page.getByRole('button', { name: 'Go to record' }) });
  for (const [asked, said] of [
    ['2005', 'this WAL has 2004 records: 0 to 2004 records applied, not 2005'],
    ['99999999999', 'this WAL has 2004 records: 0 to 2004 records applied, not 99999999999'],
    ['12.5', 'records applied is a whole number from 0 to 2004, not 12.5'],
  ]) {
    await record.fill(asked);
    await page.getByRole('button', { name: 'Go to record' }).click();
    await expect(jumpToRecord.getByRole('alert')).toHaveText(said);
    await expect(position).toHaveText(/^2 of 2004 records applied/);
  }
  // the number field reads an exponent: 1e3 is record 1000
  await record.fill('1e3');
  await expect(jumpToRecord.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Go to record' }).click();
  await expect(position).toHaveText(/^1000 of 2004 records applied/);
  await page.getByLabel('round', { exact: true }).fill('7');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Go to height/round' }).click();
  await expect(position).toHaveText(/ · 1\/7$/);
  await expect(page.getByTestId('round-state')).toContainText('1/7/');
  await expect(page.getByText('R7 prevotes').first()).toBeVisible();
  // one of the rounds in the table goes there too
  await rounds.nth(30).getByRole('button', { name: '30' }).click();
  await expect(position).toHaveText(/ · 1\/30$/);
  // the export is the CLI's, line for line
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON lines' }).click()]);
  expect(download.suggestedFilename()).toBe('v0.37-stuck-height1.wal.jsonl');
  expect(readFileSync(await download.path(), 'utf8')).toBe(prevote('wal', 'export', file, '--json'));
});

test('a node’s WAL and the genesis exported from the classroom: every signature in it checks out', async ({ page }, info) => {
  await page.goto('http://127.0.0.1:4173/#lesson=happy-path');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => Number.parseFloat((await page.getByTestId('time').textContent()) ?? '0'), { timeout: 30_000 }).toBeGreaterThan(3);
  await page.getByRole('button', { name: 'Pause' }).click();
  const save = async (name: RegExp) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    const path = info.outputPath(download.suggestedFilename());
    await download.saveAs(path);
    return path;
  };
  const columns = await page.getByTestId('vote-column').allTextContents(); // the set's order: n0 n2 n3 n1 here
  expect([...columns].sort()).toEqual(['n0', 'n1', 'n2', 'n3']);
  const wal = await save(/^export WAL of n0$/);
  const genesis = await save(/^export genesis$/);
  expect(basename(genesis)).toBe('genesis.json');
  // the CLI agrees the pair checks out, and the debugger shows the same counts
  const want = JSON.parse(prevote('wal', 'verify', wal, '--genesis', genesis, '--json')) as { byValidator: Record<string, { votes: { valid: number; invalid: number } }> };
  const valid = Object.values(want.byValidator).map((c) => c.votes.valid);
  expect(valid.length).toBe(4);
  for (const v of valid) expect(v).toBeGreaterThan(0);
  for (const c of Object.values(want.byValidator)) expect(c.votes.invalid).toBe(0);
  await page.getByRole('link', { name: 'Debug a WAL' }).click();
  await expect(page.getByRole('heading', { name: /WAL debugger/ })).toBeVisible();
  // the WAL alone cannot say who proposed; with the genesis, the key that verifies the proposal does
  // (n0 proposes height 1, and this is n0's WAL: its own prevote, once applied, names it)
  const ownPrevote = readWal(new Uint8Array(readFileSync(wal))).entries.findIndex(({ record: r }) => r.type === 'msgInfo' && r.peerId === '' && r.msg.kind === 'Vote' && r.msg.vote.height === 1);
  await chooser(page).setInputFiles(wal);
  await page.getByLabel('records applied', { exact: true }).fill(String(ownPrevote + 1));
  await page.getByRole('button', { name: 'Go to record' }).click();
  await expect(page.getByTestId('position')).toHaveText(/ · 1\/0$/);
  await expect(page.getByTestId('proposer')).toHaveText('—');
  await chooser(page).setInputFiles(genesis);
  await expect(page.getByTestId('proposer')).toHaveText('n0');
  // the genesis names every column, the WAL's own node's too, in the order the classroom drew them
  await expect(page.getByTestId('vote-column')).toHaveText(columns);
  // height 2: another validator proposed (the key that verifies its proposal says which); the
  // polka made the proposal block the valid block and height 1's precommits are the LastCommit,
  // as the classroom's RoundState had them
  const entries = readWal(new Uint8Array(readFileSync(wal))).entries;
  const commit2 = entries.findIndex(({ record: r }) => r.type === 'roundState' && r.event.height === 2 && r.event.step === 'RoundStepCommit');
  const proposer2 = proposalSender(entries, 2);
  await page.getByLabel('records applied', { exact: true }).fill(String(commit2 + 1));
  await page.getByRole('button', { name: 'Go to record' }).click();
  await expect(page.getByTestId('position')).toHaveText(/ · 2\/0$/);
  await expect(page.getByTestId('proposer')).toHaveText(proposer2);
  expect(proposer2).not.toBe('n0');
  const rs = page.getByTestId('round-state');
  await expect(rs).toContainText(/validround 0: [0-9A-F]{12}/);
  await expect(rs).toContainText(/LastCommitBA\{4:[x_]{4}\}/);
  const table = page.getByRole('table', { name: /^Signatures of n0\.wal against genesis\.json/ });
  for (const [address, c] of Object.entries(want.byValidator)) {
    await expect(table.getByRole('row', { name: new RegExp(address) }).locator('td').nth(1)).toHaveText(String(c.votes.valid));
    await expect(table.getByRole('row', { name: new RegExp(address) }).locator('td').nth(2)).toHaveText('0');
  }
});

test('four nodes’ WALs merge on one clock: skews found, every receipt after its send', async ({ page }) => {
  const sim = new Simulation({ validators: 4, heights: 4, seed: 9, config: { timeoutCommit: 200 } });
  await sim.run();
  const off = [0, 5000, -3000, 250];
  const wals = sim.nodes.map((n, i) => ({ name: `n${i}.wal`, mimeType: 'application/octet-stream', buffer: Buffer.from(concat(...n.wal.records.map((r) => encodeWalRecord({ ...r, time: r.time + off[i] })))) }));
  await openDebugger(page);
  await chooser(page).setInputFiles(wals);
  const merged = page.getByRole('region', { name: 'Merged timeline' });
  const facts = merged.getByTestId('merge-facts');
  await expect(facts).toContainText('4 WALs on one clock');
  await expect(facts).toContainText('0 of them before their send once the skew is corrected');
  const links = Number(/(\d+) received votes and proposals linked/.exec((await facts.textContent()) ?? '')![1]);
  expect(links).toBeGreaterThan(50);
  const skews = merged.getByRole('list', { name: 'Clock skew per WAL' }).locator('li');
  await expect(skews.nth(0)).toHaveText('n0.wal: reference clock');
  for (let i = 1; i < 4; i++) {
    const text = (await skews.nth(i).textContent()) ?? '';
    const m = /skew ([+−])(\d+) ms/.exec(text);
    expect(m, text).not.toBeNull();
    const skew = (m![1] === '−' ? -1 : 1) * Number(m![2]);
    expect(Math.abs(skew - off[i]), text).toBeLessThan(50);
  }
  // a click on a received vote names its send, earlier on the corrected clock
  const lanes = merged.getByTestId('swimlanes');
  const box = (await lanes.boundingBox())!;
  let picked = '';
  for (let x = 0.3; x < 0.95 && !picked.includes('sent by'); x += 0.05) {
    await lanes.click({ position: { x: box.width * x, y: 22 + 48 + 4 + 2 * 10 + 5 } }); // lane 1, the prevotes row
    picked = (await merged.getByTestId('picked').textContent({ timeout: 1000 }).catch(() => '')) ?? '';
  }
  const m = /received (-?\d+) ms later/.exec(picked);
  expect(m, picked).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThanOrEqual(0);
});

test('a pasted WAL (hex text, or a file from the clipboard) loads like a chosen one', async ({ page }) => {
  const file = `${COMET}v1.0-baseapp.wal`;
  const want = inspect(file);
  await openDebugger(page);
  await paste(page, { text: toHex(readFileSync(file)) });
  await expect(cell(row(page, 'pasted-1.wal'), 'kinds')).toHaveText(kinds(want.byKind));
  await paste(page, { name: 'small_block1.cswal', bytes: readFileSync(`${V010}small_block1.cswal`) });
  await expect(cell(row(page, 'small_block1.cswal'), 'kinds')).toHaveText(kinds(inspect(`${V010}small_block1.cswal`).byKind));
  await paste(page, { text: 'not a WAL, just words!' });
  await expect(page.getByRole('alert')).toContainText('The pasted text was not loaded');
});

test('a share link carries the position, not the file: opened, it asks for the file and goes there', async ({ page, context }) => {
  const file = `${COMET}v0.37-stuck-height1.wal`;
  await openDebugger(page);
  await chooser(page).setInputFiles(file);
  await page.getByLabel('records applied', { exact: true }).fill('40');
  await page.getByRole('button', { name: 'Go to record' }).click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('position')).toHaveText(/^42 of 2004 records applied/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.getByLabel('Link to this position').inputValue();
  expect(link).toBe(`http://127.0.0.1:4173/?wal&at=42&file=${basename(file)}`);

  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('wanted')).toContainText(`record 42 of ${basename(file)}`);
  await chooser(other).setInputFiles(file);
  await expect(other.getByTestId('position')).toHaveText(/^42 of 2004 records applied/);
  await expect(other.getByRole('list', { name: 'Records around the position' }).locator('li[aria-current=true]')).toContainText('#41');
  await expect(other.getByTestId('wanted')).toHaveCount(0);
});
