// Block sync with real processes: a testnet of four validators commits past height 100 (timeout_commit
// 0); a fifth node, a full node with a fresh home that knows only the hub, then starts. It reaches
// the head by block sync — more than 100 blocks fetched and verified on channel 0x40, not by the
// consensus reactor's catch-up — and then follows consensus, committing new heights itself.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proc } from './processes.test-util.js';
import { exclusiveTestnet, freePorts, heights, minHeight, prevote, until } from './processes.test-util.js';
import { homePaths, newSeed, nodeKeyJson } from './home.js';
import { testnetPorts } from './testnet.js';

const N = 4;
const LATE = 100;
const names = Array.from({ length: N }, (_, i) => `node${i}`);

describe('block sync: a node started 100 heights late', () => {
  let release = (): void => undefined;
  beforeAll(async () => {
    release = await exclusiveTestnet();
  }, 600_000);
  const home = mkdtempSync(join(tmpdir(), 'prevote-blocksync-'));
  const procs: Proc[] = [];
  afterAll(() => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    release(); // after the processes are gone
  });

  it('reaches the head by block sync, then follows consensus', async () => {
    const port = await freePorts(10 + N + 1);
    const testnet = prevote(['testnet', '--validators', String(N), '--home', join(home, 'tn'), '--port', String(port), '--timeout-commit', '0']);
    procs.push(testnet);
    await until(`height ${LATE + 5} on every validator`, () => minHeight(testnet.lines, names) >= LATE + 5, 150_000, testnet);
    const hubAddr = /^hub: pid \d+, (\S+)$/.exec(testnet.lines.find((l) => l.startsWith('hub: pid'))!)![1];

    // a full node: the chain's genesis and a node key, no validator key
    const late = join(home, 'late');
    const p = homePaths(late);
    mkdirSync(p.config, { recursive: true });
    cpSync(homePaths(join(home, 'tn', 'node0')).genesis, p.genesis);
    writeFileSync(p.nodeKey, nodeKeyJson(newSeed()));
    const t0 = Date.now();
    const node = prevote(['node', '--home', late, '--port', String(testnetPorts(port, N).validator(N)), '--bootstrap', hubAddr]);
    procs.push(node);

    await until('block sync to catch up', () => node.lines.some((l) => l.startsWith('block sync: caught up')), 90_000, node);
    const caught = /^block sync: caught up at height (\d+) \((\d+) blocks synced\)/.exec(node.lines.find((l) => l.startsWith('block sync: caught up'))!)!;
    const [syncedTo, synced] = [Number(caught[1]), Number(caught[2])];
    const head = Math.max(...heights(testnet.lines).values());
    console.log(`the late node block-synced ${synced} blocks to height ${syncedTo} in ${((Date.now() - t0) / 1000).toFixed(1)} s from spawn (head ${head})`);
    expect(synced).toBeGreaterThanOrEqual(LATE);
    expect(syncedTo).toBeGreaterThanOrEqual(LATE);
    // every height up to there came by block sync: no commit line (consensus) before it
    expect(node.lines.filter((l) => /^height \d+ committed/.test(l) && Number(/^height (\d+)/.exec(l)![1]) <= syncedTo)).toEqual([]);

    // then consensus: it commits heights beyond the head it found, the same blocks as the validators
    await until('the late node commits by consensus', () => (heights(node.lines).get('self') ?? 0) >= head + 3, 30_000, node);
    // node0's own lines may come a moment after the late node's: compare once it has said them
    await until('node0 commits as far', () => (heights(testnet.lines).get('node0') ?? 0) >= head + 3, 30_000, testnet);
    for (let h = syncedTo + 1; h <= head + 3; h++) {
      const mine = node.lines.find((l) => l.startsWith(`height ${h} committed`));
      if (!mine) continue; // the last block before the switch comes by catch-up, not always as a line of its own
      const theirs = testnet.lines.find((l) => l.startsWith(`node0: height ${h} committed`));
      expect(mine.split(' block ')[1], `height ${h}`).toBe(theirs?.split(' block ')[1]);
    }
    node.child.kill('SIGINT');
    testnet.child.kill('SIGINT');
    expect(await node.exit).toEqual({ code: 0, signal: null });
    expect(await testnet.exit).toEqual({ code: 0, signal: null });
  }, 300_000);
});
