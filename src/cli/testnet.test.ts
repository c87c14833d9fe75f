// `prevote testnet` and `prevote node` as real OS processes on 127.0.0.1: four validators (and the
// hub they bootstrap to; hub.test.ts tests it) commit,
// one is killed with SIGKILL and restarted from its home (WAL replay, catch-up, signing again),
// Ctrl-C stops everything with status 0, a second run resumes from disk, and no validator ever
// signed two different votes for one height/round/type in any node's WAL.
// node0 feeds `--load` txs, which the mempool reactor gossips into every node's blocks.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proc } from './processes.test-util.js';
import { exclusiveTestnet, freePorts, heights, minHeight, prevote, sleep, until } from './processes.test-util.js';
import { toHex } from '../core/bytes.js';
import { scanCometWal } from '../core/wal/scan.js';
import { homePaths } from './home.js';
import { testnetPorts } from './testnet.js';

const N = 4;







/** Every vote in every node's WAL, grouped by signer/height/round/type: each group one BlockID. */
function checkNoDoubleSigning(home: string): { votes: number; own: Map<number, number[]> } {
  const seen = new Map<string, Set<string>>();
  const own = new Map<number, number[]>();
  let votes = 0;
  for (let i = 0; i < N; i++) {
    const { entries, corruption } = scanCometWal(new Uint8Array(readFileSync(homePaths(join(home, `node${i}`)).wal)));
    expect(corruption, `node${i}'s WAL`).toBeNull();
    for (const { record: r } of entries) {
      if (r.type !== 'msgInfo' || r.msg.kind !== 'Vote') continue;
      const v = r.msg.vote;
      votes++;
      if (r.peerId === '') own.set(i, [...(own.get(i) ?? []), v.height]);
      const key = `${toHex(v.validatorAddress)}/${v.height}/${v.round}/${v.type}`;
      const id = `${toHex(v.blockId.hash)}:${v.blockId.partSetHeader.total}:${toHex(v.blockId.partSetHeader.hash)}`;
      if (!seen.has(key)) seen.set(key, new Set());
      seen.get(key)!.add(id);
    }
  }
  const doubles = [...seen].filter(([, ids]) => ids.size > 1).map(([k]) => k);
  expect(doubles, 'validator/height/round/type signed for two BlockIDs').toEqual([]);
  return { votes, own };
}

describe('prevote testnet: validators as separate processes over libp2p', () => {
  let release = (): void => undefined;
  beforeAll(async () => {
    release = await exclusiveTestnet();
  }, 600_000);
  const home = mkdtempSync(join(tmpdir(), 'prevote-testnet-'));
  const dist = mkdtempSync(join(tmpdir(), 'prevote-testnet-dist-'));
  const procs: Proc[] = [];
  let port = 0;
  let testnet: Proc;
  let node3: Proc;
  const names = Array.from({ length: N }, (_, i) => `node${i}`);
  let lastHeight = 0;

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
    release(); // after the processes are gone
  });

  it('four validators reach height 5 on every node, with --load txs gossiped into the blocks', async () => {
    port = await freePorts(10 + N); // the hub's P..P+2, validator i on P+10+i
    const t0 = Date.now();
    // the hub serves the build it is given (--dist): here a stand-in page
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>prevote testnet --dist</title>');
    testnet = prevote(['testnet', '--validators', String(N), '--home', home, '--port', String(port), '--timeout-commit', '200', '--load', '50', '--dist', dist]);
    procs.push(testnet);
    await until('height 1 on every node', () => minHeight(testnet.lines, names) >= 1, 45_000, testnet);
    const t1 = Date.now();
    await until('height 5 on every node', () => minHeight(testnet.lines, names) >= 5, 30_000, testnet);
    const t5 = Date.now();
    console.log(`testnet: first commit on every node ${((t1 - t0) / 1000).toFixed(1)} s after spawn; heights 1→5 at ${(4 / ((t5 - t1) / 1000)).toFixed(1)} heights/s (timeout_commit 200 ms)`);
    expect(testnet.lines[0]).toMatch(/^testnet prevote-testnet-[0-9a-f]{6}: 4 validators and a hub, home .*, new chain$/);
    const url = testnet.lines.find((l) => l.startsWith('open http://'))!.slice('open '.length);
    expect(await (await fetch(url)).text()).toContain('<title>prevote testnet --dist</title>');
    // the same block at each height on every node
    for (let h = 1; h <= 5; h++) {
      const blocks = new Set(testnet.lines.filter((l) => l.includes(`: height ${h} committed`)).map((l) => l.split(' block ')[1]));
      expect(blocks.size, `height ${h}`).toBe(1);
    }
    // node0 submits 50 txs/s; its mempool reactor gossips them, so blocks other nodes propose carry them too
    await until('a block with txs on every node', () => names.every((n) => testnet.lines.some((l) => new RegExp(`^${n}: height \\d+ committed in round \\d+, [1-9]\\d* txs`).test(l))), 20_000, testnet);
  }, 80_000);

  it('kill -9 of node3: the others go on; restarted from its home, it replays, catches up and signs again', async () => {
    const pid = Number(/^node3: pid (\d+)/.exec(testnet.lines.find((l) => l.startsWith('node3: pid'))!)![1]);
    const addrs = names.map((n) => new RegExp(`^${n}: pid \\d+, (\\S+)$`).exec(testnet.lines.find((l) => l.startsWith(`${n}: pid`))!)![1]);
    // in the middle of a height: shortly after node3's last commit line
    const h3 = heights(testnet.lines).get('node3')!;
    await until('node3 commits once more', () => heights(testnet.lines).get('node3')! > h3, 10_000, testnet);
    await sleep(120);
    process.kill(pid, 'SIGKILL');
    await until('the testnet reports node3 killed', () => testnet.lines.includes('stderr: node3 killed by SIGKILL'), 10_000, testnet);
    const killedAt = heights(testnet.lines).get('node3')!;
    const others = names.slice(0, 3);
    const from = minHeight(testnet.lines, others);
    await until('two more heights on the other three', () => minHeight(testnet.lines, others) >= from + 2, 20_000, testnet);

    const t0 = Date.now();
    node3 = prevote(['node', '--home', join(home, 'node3'), '--port', String(testnetPorts(port, N).validator(3)), '--timeout-commit', '200', ...addrs.slice(0, 3).flatMap((a) => ['--bootstrap', a])]);
    procs.push(node3);
    await until('node3 starts', () => node3.lines.some((l) => l.startsWith('listening on ')), 20_000, node3);
    const resumed = Number(/from height (\d+)/.exec(node3.lines.find((l) => l.includes('from height'))!)![1]);
    expect(resumed).toBeGreaterThanOrEqual(killedAt);
    const head = minHeight(testnet.lines, others);
    await until('node3 catches up and follows', () => (heights(node3.lines).get('self') ?? 0) >= head + 2, 30_000, node3);
    console.log(`node3 killed after height ${killedAt}, restarted at height ${resumed} while the others were at ${head}; caught up to ${head + 2} in ${((Date.now() - t0) / 1000).toFixed(1)} s from spawn`);
    lastHeight = head + 2;
  }, 80_000);

  it('SIGINT stops the testnet and the restarted node with status 0; no validator signed twice', async () => {
    testnet.child.kill('SIGINT');
    node3.child.kill('SIGINT');
    expect(await testnet.exit).toEqual({ code: 0, signal: null });
    expect(await node3.exit).toEqual({ code: 0, signal: null });
    const { votes, own } = checkNoDoubleSigning(home);
    // node3 signed votes after its restart, at heights it had not reached before the kill
    expect(Math.max(...own.get(3)!)).toBeGreaterThanOrEqual(lastHeight);
    console.log(`${votes} votes checked across ${N} WALs`);
  }, 40_000);

  it('a second run resumes from disk and goes on without double signing', async () => {
    const before = Math.max(...heights([...testnet.lines, ...node3.lines.map((l) => `node3: ${l}`)]).values());
    // a testnet from before the hub: resuming creates the hub's home (node0's genesis, a new node key)
    rmSync(join(home, 'hub'), { recursive: true, force: true });
    const again = prevote(['testnet', '--home', home, '--port', String(port), '--timeout-commit', '200']);
    procs.push(again);
    await until('two new heights on every node', () => minHeight(again.lines, names) >= before + 2, 45_000, again);
    expect(again.lines[0]).toMatch(/resuming from disk$/);
    expect(readFileSync(homePaths(join(home, 'hub')).genesis, 'utf8')).toBe(readFileSync(homePaths(join(home, 'node0')).genesis, 'utf8'));
    await until('the new hub follows the chain', () => (heights(again.lines.map((l) => l.replace(/^hub: /, 'node99: '))).get('node99') ?? 0) >= before, 30_000, again);
    again.child.kill('SIGINT');
    expect(await again.exit).toEqual({ code: 0, signal: null });
    checkNoDoubleSigning(home);
  }, 60_000);

  it('a node that refuses its home stops the testnet with status 2, the others too', async () => {
    const genesis = homePaths(join(home, 'node1')).genesis;
    const kept = readFileSync(genesis, 'utf8');
    writeFileSync(genesis, '{bad');
    try {
      const broken = prevote(['testnet', '--home', home, '--port', String(port)]);
      procs.push(broken);
      expect(await broken.exit).toEqual({ code: 2, signal: null });
      expect(broken.lines.some((l) => /^stderr: node1: prevote node: .*genesis is not JSON/.test(l))).toBe(true);
      expect(broken.lines.at(-1)).toBe('stderr: prevote testnet: node1 could not start (its reason above): the testnet stopped');
    } finally {
      writeFileSync(genesis, kept);
    }
  }, 60_000);
});
