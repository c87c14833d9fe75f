// `npm run soak`: the sweeps, for as long as you give them. The fuzz targets (test/fuzz.ts), then
// random fault schedules (src/sim/schedules.ts) on 4, 7 and 10 validators over gossip (full mesh,
// random regular) and direct delivery. Not fc.assert: that stops at the first failure to shrink
// it; here every sample runs and is counted. Prints each failure as it happens (a schedule's
// `prevote sim` replay line; the file holding a fuzz input) and, last, one JSON line of totals;
// exits 1 when anything failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { Simulation, replayCommand } from '../src/sim/simulation.js';
import type { SimOptions } from '../src/sim/simulation.js';
import type { Topology } from '../src/sim/topology.js';
import { describeTopology } from '../src/sim/topology.js';
import { failedChecks, scheduleOptions, scheduledRuns } from '../src/sim/schedules.js';
import { TARGETS, attempt } from '../test/fuzz.js';
import { useNodeEd25519 } from '../src/platform/node/ed25519.js';
import { useNodeSha256 } from '../src/platform/node/sha256.js';

useNodeEd25519();
useNodeSha256();

const HELP = `npm run soak -- [--minutes M | --runs N] [--seed S] [--out DIR]
  --minutes M  run for about M minutes (default 10): 20% fuzzing, then fault schedules
  --runs N     instead: N schedules per configuration, and N × each fuzz target's npm-test budget
  --seed S     the seed every sample derives from (default: from the clock; printed in the totals)
  --out DIR    where the inputs that broke a fuzz target are written (default test-results/soak)`;

const { values: args } = parseArgs({ options: { minutes: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } } });
if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${what} ${v}: expected a positive number\n${HELP}`);
    process.exit(2);
  }
  return n;
};
const runs = num(args.runs, 'runs');
const minutes = runs === undefined ? (num(args.minutes, 'minutes') ?? 10) : undefined;
if (args.seed !== undefined && !Number.isSafeInteger(Number(args.seed))) {
  console.error(`--seed ${args.seed}: expected an integer\n${HELP}`);
  process.exit(2);
}
const seed = args.seed !== undefined ? Number(args.seed) : Date.now() % 2 ** 31;
const out = args.out ?? 'test-results/soak';

/** An endless, reproducible stream of samples: batches of fc.sample, each seeded from (seed, stream, batch). */
function* samples<T>(arb: fc.Arbitrary<T>, stream: number, batch: number): Generator<T> {
  for (let i = 0; ; i++) yield* fc.sample(arb, { seed: (Math.imul(seed ^ Math.imul(stream + 1, 0x9e3779b1), 0x85ebca6b) + i) | 0, numRuns: batch });
}

const start = performance.now();
const elapsed = () => performance.now() - start;
const budget = minutes === undefined ? Infinity : minutes * 60_000;

// --- fuzz targets first, each for a fixed share of the time (or its npm-test budget × runs)
const fuzzShare = (budget * 0.2) / TARGETS.length;
const fuzz: Record<string, { inputs: number; accepted: number; typed: number; untyped: number; perSecond: number }> = {};
const untyped: { target: string; error: string; input: string }[] = [];
for (const [i, { target, testRuns }] of TARGETS.entries()) {
  const stream = samples(target.inputs, 1000 + i, 500);
  const t0 = performance.now();
  const stop = runs !== undefined ? () => false : () => performance.now() - t0 >= fuzzShare;
  const limit = runs !== undefined ? Math.round(runs * testRuns) : Infinity;
  const count = { inputs: 0, accepted: 0, typed: 0, untyped: 0, perSecond: 0 };
  const seen = new Set<string>();
  while (count.inputs < limit && !stop()) {
    const input = stream.next().value;
    const o = attempt(target, input);
    count.inputs++;
    count[o.kind]++;
    if (o.kind !== 'untyped') continue;
    // keep one input per distinct failure (the error's kind and where it was thrown)
    const e = o.error instanceof Error ? o.error : new Error(String(o.error));
    const where = `${e.name} ${e.stack?.split('\n').find((l) => /^\s+at /.test(l))?.trim() ?? e.message}`;
    if (seen.has(where) || seen.size >= 10) continue;
    seen.add(where);
    mkdirSync(out, { recursive: true });
    const file = join(out, `${target.name.replace(/\W+/g, '-')}-${seen.size}.bin`);
    writeFileSync(file, target.bytes(input));
    untyped.push({ target: target.name, error: `${e.name}: ${e.message} (${where.slice(e.name.length + 1)})`, input: file });
    console.log(`UNTYPED ${target.name}: ${untyped[untyped.length - 1].error}; input in ${file}`);
  }
  count.perSecond = Math.round(count.inputs / ((performance.now() - t0) / 1000));
  fuzz[target.name] = count;
}

// --- then fault schedules, round-robin over the configurations until the time is up
const transports = (n: number): (Topology | 'direct')[] => [{ kind: 'full' }, { kind: 'regular', degree: n === 4 ? 2 : 4 }, 'direct'];
const configs = [4, 7, 10].flatMap((n) =>
  transports(n).map((t, i) => ({ n, transport: t, name: `${n} validators, ${t === 'direct' ? 'direct' : describeTopology(t)}`, stream: samples(scheduledRuns(n), n * 10 + i, 20), runs: 0, failed: 0, ms: 0 })),
);
const violations: Record<string, number> = { agreement: 0, validity: 0, noDoubleSign: 0, liveness: 0, exception: 0 };
const failures: { config: string; checks: string[]; replay: string; error?: string }[] = [];
let nextBeat = 60_000;
for (let more = true; more; ) {
  more = false;
  for (const c of configs) {
    if (runs !== undefined ? c.runs >= runs : elapsed() >= budget) continue;
    more = true;
    const [simSeed, faults] = c.stream.next().value as [number, SimOptions['faults']];
    const opts = scheduleOptions(c.n, c.transport, simSeed, faults ?? []);
    const t0 = performance.now();
    let failed: string[];
    let error: string | undefined;
    try {
      failed = failedChecks(await new Simulation(opts).run());
    } catch (e) {
      failed = ['exception'];
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
    c.ms += performance.now() - t0;
    c.runs++;
    if (failed.length) {
      c.failed++;
      for (const k of failed) violations[k] = (violations[k] ?? 0) + 1;
      const replay = replayCommand(opts);
      failures.push({ config: c.name, checks: failed, replay, ...(error ? { error } : {}) });
      console.log(`FAILED ${c.name} (${failed.join(', ')}): ${replay}${error ? `\n  ${error.split('\n').slice(0, 3).join('\n  ')}` : ''}`);
    }
    if (elapsed() > nextBeat) {
      process.stderr.write(`soak: ${Math.round(elapsed() / 1000)} s, ${configs.reduce((s, x) => s + x.runs, 0)} schedules, ${failures.length} failed\n`);
      nextBeat += 60_000;
    }
  }
}

const totalUntyped = Object.values(fuzz).reduce((s, f) => s + f.untyped, 0);
const ok = failures.length === 0 && totalUntyped === 0;
console.log(
  JSON.stringify({
    ok,
    seed,
    ...(runs !== undefined ? { runs } : { minutes }),
    wallSeconds: Math.round(elapsed() / 100) / 10,
    schedules: Object.fromEntries(configs.map((c) => [c.name, { runs: c.runs, failed: c.failed, perMinute: Math.round((c.runs / (c.ms / 60_000 || 1)) * 10) / 10 }])),
    violations,
    fuzz,
    failures,
    untyped,
  }),
);
process.exitCode = ok ? 0 : 1;
