// Bench section `libp2p`: four validators over libp2p on loopback, fsync on, timeout_commit 0 —
// heights/s and commit latency — beside the floor measured in the same run on this machine:
// signature verification, fsync and loopback round trips per height.
//
// The validators are four `prevote node` processes (as `prevote testnet` runs them), not four
// nodes in this process. In one process all four would share one JS thread (one of the two cores)
// and one 4-thread libuv pool for every fsync and WebCrypto verify, so a validator waiting on its
// fsync would queue behind the others' message handling: that measures the harness. As processes
// each has its own loop and pool, as deployed; what remains unlike deployment is that four share
// two cores. Commit times are taken when this process reads a node's commit line (its stdout is a
// pipe, written synchronously), so the four share one clock.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { publicKeyFromSeed } from '../src/core/crypto/ed25519.js';
import { scanCometWal } from '../src/core/wal/scan.js';
import { genesisJson, homePaths, newSeed, nodeKeyJson, privValidatorKeyJson } from '../src/cli/home.js';
import { STOP_ON_STDIN_EOF } from '../src/cli/node.js';
import { Libp2pTransport } from '../src/platform/node/libp2p-transport.js';

const N = 4;
const WARMUP = 10; // heights left out: processes starting, dialling (redial backoff), JIT
const HEIGHTS = 50; // heights measured
const BIN = fileURLToPath(new URL('../bin/prevote.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

/** Latency p50/p99 of `n` sequential runs of `fn`, in ms. */
async function latency(n: number, fn: () => unknown): Promise<{ p50Ms: number; p99Ms: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99) };
}

/** Round trip of a vote-sized message between two Libp2pTransports in this process (TCP, noise, yamux). */
async function loopbackRoundTrip(): Promise<{ p50Ms: number; p99Ms: number }> {
  let answered: (() => void) | null = null;
  const a = await Libp2pTransport.create({ nodeKey: newSeed(), listen: ['/ip4/127.0.0.1/tcp/0'] });
  const b = await Libp2pTransport.create({ nodeKey: newSeed(), listen: ['/ip4/127.0.0.1/tcp/0'] });
  a.setHandler({ peerConnected: () => undefined, peerDisconnected: () => undefined, receive: () => answered?.() });
  b.setHandler({ peerConnected: () => undefined, peerDisconnected: () => undefined, receive: (p, c, bytes) => void b.send(p, c, bytes) }); // echo
  try {
    await a.start();
    await b.start();
    await a.dial(b.listenAddrs()[0]);
    for (let end = Date.now() + 10_000; !(a.connectedPeers().includes(b.peerId) && b.connectedPeers().includes(a.peerId)); await sleep(10)) {
      if (Date.now() > end) throw new Error('two transports on loopback did not connect in 10 s');
    }
    const msg = new Uint8Array(160); // a signed Vote message is about this size
    const once = () => new Promise<void>((resolve) => ((answered = resolve), a.send(b.peerId, 0x22, msg)));
    await latency(50, once); // warm up
    return await latency(500, once);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

/** Append + fsync of a WAL-record-sized write, as the `wal` section measures it (used when that section did not run). */
async function appendFsync(): Promise<{ p50Ms: number; p99Ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'prevote-bench-'));
  const fd = openSync(join(dir, 'raw'), 'a');
  try {
    const bytes = new Uint8Array(150);
    return await latency(300, () => (writeSync(fd, bytes), fsyncSync(fd)));
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true });
  }
}

/** n ports free right now on 127.0.0.1 (the OS picks; released just before the nodes bind them). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => r(s)); })),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

interface Commit {
  at: number;
  round: number;
}

const STEPS = ['RoundStepNewHeight', 'RoundStepPropose', 'RoundStepPrevote', 'RoundStepPrecommit', 'RoundStepCommit'];

interface HeightAtNode {
  fsyncs: number;
  walAppends: number;
  /** When the node entered each step (first time, ms clock), by STEPS index. */
  steps: number[];
}

/**
 * What one node's WAL says about each height. fsyncs: each of our own messages is a synced WAL
 * write (FileWAL.writeSync); each vote or proposal we signed first saved priv_validator_state.json
 * (writeFileAtomic: the file, then its directory: 2); EndHeight is synced; the block store and the
 * state store each write one synced LevelDB batch (1 + 1). A height without its EndHeight (cut by
 * the stop) is left out.
 */
function walStats(walPath: string): Map<number, HeightAtNode> {
  const out = new Map<number, HeightAtNode>();
  let cur: HeightAtNode = { fsyncs: 0, walAppends: 0, steps: [] };
  for (const { record: r } of scanCometWal(new Uint8Array(readFileSync(walPath))).entries) {
    cur.walAppends++;
    if (r.type === 'msgInfo' && r.peerId === '') cur.fsyncs += r.msg.kind === 'BlockPart' ? 1 : 3;
    if (r.type === 'roundState' && STEPS.includes(r.event.step)) cur.steps[STEPS.indexOf(r.event.step)] ??= r.time;
    if (r.type === 'endHeight') {
      if (r.height > 0) out.set(r.height, { ...cur, fsyncs: cur.fsyncs + 1 + 1 + 1 });
      cur = { fsyncs: 0, walAppends: 0, steps: [] };
    }
  }
  return out;
}

/** CPU time (user + system) a process used so far, in ms (Linux; USER_HZ is 100). */
function cpuMs(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Runs the four validators until each committed WARMUP + HEIGHTS heights; their commit times and WAL fsync counts. */
async function runTestnet(): Promise<{ commits: Map<number, Commit>[]; wals: Map<number, HeightAtNode>[]; cpuMsPerHeight: number }> {
  const root = mkdtempSync(join(tmpdir(), 'prevote-bench-libp2p-'));
  const children: ChildProcess[] = [];
  const commits = Array.from({ length: N }, () => new Map<number, Commit>());
  const tail: string[] = [];
  try {
    const validatorSeeds = Array.from({ length: N }, newSeed);
    const nodeSeeds = Array.from({ length: N }, newSeed);
    const genesis = genesisJson('prevote-bench', validatorSeeds.map((s, i) => ({ pubKey: publicKeyFromSeed(s), name: `node${i}` })), Date.now());
    const homes = Array.from({ length: N }, (_, i) => homePaths(join(root, `node${i}`)));
    for (let i = 0; i < N; i++) {
      await mkdir(homes[i].config, { recursive: true });
      await writeFile(homes[i].genesis, genesis);
      await writeFile(homes[i].nodeKey, nodeKeyJson(nodeSeeds[i]));
      await writeFile(homes[i].privValidatorKey, privValidatorKeyJson(validatorSeeds[i]));
    }
    const ports = await freePorts(N);
    const addrs = await Promise.all(nodeSeeds.map(async (s, i) => `/ip4/127.0.0.1/tcp/${ports[i]}/p2p/${await Libp2pTransport.peerIdOf(s)}`));
    for (let i = 0; i < N; i++) {
      // a full mesh as `prevote testnet` makes it: node i keeps connections to nodes 0..i-1
      const args = [BIN, 'node', '--home', homes[i].home, '--port', String(ports[i]), '--timeout-commit', '0', ...addrs.slice(0, i).flatMap((a) => ['--bootstrap', a])];
      // stdin is a pipe that closes if we die, so the node stops rather than outliving the bench
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, [STOP_ON_STDIN_EOF]: '1' } });
      children.push(child);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const at = performance.now();
        const m = /^height (\d+) committed in round (\d+)/.exec(line);
        if (m) commits[i].set(Number(m[1]), { at, round: Number(m[2]) });
        else tail.push(`node${i}: ${line}`);
      });
      createInterface({ input: child.stderr! }).on('line', (line) => tail.push(`node${i}: ${line}`));
    }
    const goal = WARMUP + HEIGHTS;
    let cpuAtWarmup: number[] | null = null;
    for (let end = Date.now() + 120_000; !commits.every((c) => c.has(goal)); await sleep(50)) {
      if (!cpuAtWarmup && commits.every((c) => c.has(WARMUP))) cpuAtWarmup = children.map((c) => cpuMs(c.pid));
      const gone = children.findIndex((c) => c.exitCode !== null || c.signalCode !== null);
      if (gone >= 0 || Date.now() > end) {
        throw new Error(`${gone >= 0 ? `node${gone} exited` : 'timed out after 120 s'} at heights ${commits.map((c) => c.size)}; last output: ${tail.slice(-5).join(' | ')}`);
      }
    }
    const cpu = children.map((c, i) => cpuMs(c.pid) - (cpuAtWarmup?.[i] ?? NaN));
    await stopAll(children);
    return { commits, wals: homes.map((h) => walStats(h.wal)), cpuMsPerHeight: quantile(cpu, 0.5) / HEIGHTS };
  } finally {
    await stopAll(children);
    rmSync(root, { recursive: true, force: true });
  }
}

/** SIGTERM (a clean stop), SIGKILL after 10 s; resolves when every child has exited (the benches' processes). */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
      return exited.finally(() => clearTimeout(timer));
    }),
  );
}

/**
 * `verifiesPerSecond`: the project verifier's rate measured earlier in this run (the report's
 * `verifier` figure); `fsync`: the `wal` section's raw append + fsync, when it ran.
 */
export async function libp2pValidators(verifiesPerSecond: number, fsync?: { p50Ms: number; p99Ms: number }): Promise<Record<string, unknown>> {
  const machineLoad1mAtStart = loadavg()[0]; // other work on the machine shows in these figures
  // the floor first, while the validators are not running
  const rtt = await loopbackRoundTrip();
  const rawFsync = fsync ?? (await appendFsync());
  let run: Awaited<ReturnType<typeof runTestnet>>;
  try {
    run = await runTestnet();
  } catch (e) {
    return { failed: (e as Error).message };
  }
  const { commits, wals } = run;
  // every node prints every height it commits in consensus; one that skipped heights (block sync)
  // just has fewer samples
  const first = (h: number) => Math.min(...commits.flatMap((c) => c.get(h)?.at ?? []));
  const heights = Array.from({ length: HEIGHTS }, (_, k) => WARMUP + 1 + k);
  const latencies = heights.flatMap((h) => commits.flatMap((c) => (c.has(h) ? [c.get(h)!.at - first(h - 1)] : [])));
  const heightsPerSecond = HEIGHTS / ((first(WARMUP + HEIGHTS) - first(WARMUP)) / 1000);
  const msPerHeight = 1000 / heightsPerSecond;

  // fsyncs per height: the proposer does the most (its proposal and block part on top of the votes
  // and commit everyone does), all in series in its loop. That is also the critical path's count:
  // its commit of h-1 and its proposal, then a prevote and a precommit at another node.
  const counted = heights.filter((h) => wals.every((w) => w.has(h)));
  const atNodes = (f: (x: HeightAtNode, h: number, w: Map<number, HeightAtNode>) => number) => counted.flatMap((h) => wals.map((w) => f(w.get(h)!, h, w)));
  const proposer = quantile(counted.map((h) => Math.max(...wals.map((w) => w.get(h)!.fsyncs))), 0.5);
  const others = quantile(atNodes((x) => x.fsyncs), 0.5);
  const step = (from: number, to: number) => quantile(atNodes((x, h, w) => (to < STEPS.length ? x.steps[to] : (w.get(h + 1)?.steps[0] ?? NaN)) - x.steps[from]).filter((d) => d >= 0), 0.5);
  const verifies = 2 * N + 1;
  const floor = {
    verificationMs: (verifies / verifiesPerSecond) * 1000,
    fsyncMs: proposer * rawFsync.p50Ms,
    loopbackMs: 1.5 * rtt.p50Ms,
  };
  const floorMsPerHeight = floor.verificationMs + floor.fsyncMs + floor.loopbackMs;
  return {
    validators: N,
    setup: `${N} \`prevote node\` processes, full mesh over libp2p TCP (noise, yamux) on 127.0.0.1, file WAL and sign state, LevelDB block and state stores (fsync on), timeout_commit 0, no txs`,
    heights: HEIGHTS,
    warmupHeights: WARMUP,
    heightsPerSecond,
    msPerHeight,
    commitLatency: {
      definition:
        'for each measured height h and each node: the time it committed h minus the time the first node committed h-1 (and so entered h, timeout_commit being 0), commit times as this process read the nodes\' commit lines',
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      samples: latencies.length,
    },
    // where a height's time goes at one node: the steps as its WAL recorded them (ms clock)
    eachNodePerHeight: {
      definition: 'medians over the nodes and measured heights: step to step and WAL appends from their WALs (millisecond clock); cpuMs: CPU time of a node process (all threads) per height, from /proc',
      newHeightToProposeMs: step(0, 1),
      proposeToPrevoteMs: step(1, 2),
      prevoteToPrecommitMs: step(2, 3),
      precommitToCommitMs: step(3, 4),
      commitToNextHeightMs: step(4, 5),
      walAppends: quantile(atNodes((x) => x.walAppends), 0.5),
      cpuMs: run.cpuMsPerHeight,
    },
    machineLoad1mAtStart,
    heightsCommittedAfterRound0: heights.filter((h) => commits.some((c) => (c.get(h)?.round ?? 0) > 0)).length,
    floor: {
      verification: { rawProjectVerifiesPerSecond: verifiesPerSecond, verifiesPerHeight: verifies, note: '2N votes + 1 proposal per node; the nodes verify in parallel', ms: floor.verificationMs },
      fsync: { rawAppendFsyncP50Ms: rawFsync.p50Ms, fsyncsPerHeightProposer: proposer, fsyncsPerHeightOthers: others, note: 'the proposer\'s fsyncs per height, counted from the WALs: all run in series in its loop', ms: floor.fsyncMs },
      loopback: { rawRoundTripP50Ms: rtt.p50Ms, rawRoundTripP99Ms: rtt.p99Ms, roundTripsPerHeight: 1.5, note: 'proposal, prevote, precommit: 3 one-way delays', ms: floor.loopbackMs },
      msPerHeight: floorMsPerHeight,
    },
    // measured / floor is lower-is-better; compare.ts treats every `ratio…` as higher-is-better,
    // so the compared figure is its inverse (the share of the floor we reach)
    measuredOverFloor: msPerHeight / floorMsPerHeight,
    ratioFloorToMeasured: floorMsPerHeight / msPerHeight,
  };
}
