// `prevote sim`: a deterministic simulation, headless.
import type { FaultSpec } from '../sim/faults.js';
import { MAX_TXS_PER_HEIGHT, MAX_VALIDATORS, scenarioProblems } from '../core/scenario.js';
import { toHex } from '../core/bytes.js';
import { Simulation } from '../sim/simulation.js';
import { projectEvent } from '../observe/project.js';
import { eventLine } from '../observe/format.js';
import type { Topology } from '../sim/topology.js';
import { parseTopology } from '../sim/topology.js';
import { intFlag, numFlag, parseFlags, UsageError } from './args.js';

/** Limits of a run from the command line: enough for any experiment, small enough to finish. */
export const SIM_LIMITS = { heights: 100_000, timeoutCommit: 60_000, delay: 60_000, gossipSleep: 10_000, maxTime: 86_400_000 };
/** Wall-clock ms between progress lines on stderr. */
const PROGRESS_EVERY = 2000;

export const SIM_HELP = `Usage: prevote sim [options]

Runs N validators (the real engine and node loop) on a virtual clock with a seeded PRNG and a
simulated network, then checks agreement, validity, no double signing and liveness.

Options:
  --validators N     number of validators, 1..200 (default 4)
  --heights H        the goal, 1..100000 (default 5): the run stops once every running correct
                     node has committed H heights and, after faults, committed again since the
                     last one healed (with gossip, each within 2 heights of the highest); a run
                     that stops short of it (see --max-time) fails liveness
  --seed S           PRNG seed, 0..2^32-1 (default 1); the same seed reproduces the run exactly
  --fault JSON       a fault, repeatable; e.g. '{"kind":"crash","node":0,"at":{"height":2}}'
                     kinds: crash (restartAfter), silence, partition (groups), delay (from,to,
                     delayMin,delayMax,dropRate), dropProposals, equivocateProposal,
                     equivocateVotes, amnesia, nilPrecommit, proposeTxs (txs), forceTimeout,
                     restart, crashAtWalWrite (write, after, restartAfter); each with optional
                     "at" ({height[,round]}, {time} or {step}) and "duration" (ms)
  --topology T       gossip topology: full (default), ring, regular:<d>; or direct
                     (every message broadcast to every node, no reactor)
  --gossip-sleep MS  the reactor's peer_gossip_sleep_duration, 1..10000 (default 100)
  --delay MIN,MAX    message delay range in ms, each 0..60000, MIN ≤ MAX (default 10,50)
  --drop P           message drop rate 0..1 (default 0)
  --timeout-commit MS  timeout_commit, 0..60000 (default 1000)
  --txs N            key=value transactions submitted per height, 0..10000 (default 0)
  --max-time MS      give up after this much virtual time, 1..86400000 (default: 20 rounds'
                     worth of timeouts per height, at least 60 s); a run that stops short of
                     its goal fails liveness
  --events           print every event
  --commits          print a line whenever a height is first committed
  --json             print the summary as JSON
  --help             this text

A run that takes more than 2 s prints its progress to stderr every 2 s (height reached, wall and
virtual time). Exit status: 0 when every check passes, 1 when one fails, 2 for a bad option.`;

/** Where progress goes and what time it is (tests pass their own). */
export interface SimIo {
  now(): number;
  stderr: { isTTY?: boolean; write(s: string): unknown };
  /** true once stdout's reader has gone (`| head`): the run stops quietly */
  stdoutClosed?(): boolean;
}

const defaultIo: SimIo = { now: () => performance.now(), stderr: process.stderr, stdoutClosed: () => !!process.stdout.errored };

/** "MIN,MAX" or "MS" in ms, with MIN ≤ MAX. */
function parseDelay(v: string): [number, number] {
  const parts = v.split(',');
  if (parts.length > 2) throw new UsageError(`--delay must be MIN,MAX in ms, got ${JSON.stringify(v)}`);
  const [lo, hi = lo] = parts.map((x) => numFlag('delay', x, 0, SIM_LIMITS.delay, 'a delay in ms'));
  if (lo > hi) throw new UsageError(`--delay ${v}: MIN (${lo}) is above MAX (${hi}); give MIN,MAX`);
  return [lo, hi];
}

/** A scenarioProblems line in the flags' terms: `faults[1].groups` → `fault #2.groups`. */
const flagName = (p: string) =>
  p
    .replace(/^faults\[(\d+)\]/, (_, i) => `--fault #${Number(i) + 1}`)
    .replace(/^txsPerHeight/, '--txs')
    .replace(/^timeouts\.timeoutCommit/, '--timeout-commit')
    .replace(/^(validators|seed|delay|topology)\b/, '--$1');

export async function runSimCommand(args: string[], io: SimIo = defaultIo): Promise<number> {
  const { values: v } = parseFlags(args, {
    validators: { type: 'string', default: '4' },
    heights: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    fault: { type: 'string', multiple: true, default: [] },
    topology: { type: 'string', default: 'full' },
    'gossip-sleep': { type: 'string' },
    delay: { type: 'string', default: '10,50' },
    drop: { type: 'string', default: '0' },
    'timeout-commit': { type: 'string' },
    txs: { type: 'string', default: '0' },
    'max-time': { type: 'string' },
    events: { type: 'boolean', default: false },
    commits: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const values = v as Record<string, string | string[] | boolean | undefined>;
  const str = (k: string) => values[k] as string;
  const validators = intFlag('validators', str('validators'), 1, MAX_VALIDATORS);
  const heights = intFlag('heights', str('heights'), 1, SIM_LIMITS.heights);
  const seed = intFlag('seed', str('seed'), 0, 2 ** 32 - 1);
  const [delayMin, delayMax] = parseDelay(str('delay'));
  const dropRate = numFlag('drop', str('drop'), 0, 1, 'a rate');
  const gossipSleep = values['gossip-sleep'] !== undefined ? numFlag('gossip-sleep', str('gossip-sleep'), 1, SIM_LIMITS.gossipSleep, 'a time in ms') : undefined;
  const timeoutCommit = values['timeout-commit'] !== undefined ? numFlag('timeout-commit', str('timeout-commit'), 0, SIM_LIMITS.timeoutCommit, 'a time in ms') : undefined;
  const txsPerHeight = intFlag('txs', str('txs'), 0, MAX_TXS_PER_HEIGHT);
  const maxTime = values['max-time'] !== undefined ? numFlag('max-time', str('max-time'), 1, SIM_LIMITS.maxTime, 'a time in ms') : undefined;
  const faults = (values.fault as string[]).map((f, i) => {
    try {
      return JSON.parse(f) as FaultSpec;
    } catch (e) {
      throw new UsageError(`--fault #${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
  let transport: Topology | 'direct';
  try {
    transport = values.topology === 'direct' ? 'direct' : parseTopology(str('topology'));
  } catch (e) {
    throw new UsageError(`--topology: ${(e as Error).message}`);
  }
  // the checks the browser's settings and shared links go through, in the flags' names
  const problems = scenarioProblems({ validators, seed, delay: [delayMin, delayMax], txsPerHeight, timeouts: timeoutCommit === undefined ? undefined : { timeoutCommit }, faults });
  if (problems.length) throw new UsageError(problems.map(flagName).join('; '));
  // one JSON document on stdout, or lines: both would be neither
  if (values.json && (values.events || values.commits)) throw new UsageError(`--json prints one JSON document: not with --${values.events ? 'events' : 'commits'}, which print lines`);

  const sim = new Simulation({
    transport,
    gossipSleep,
    validators,
    heights,
    seed,
    faults,
    link: { delayMin, delayMax, dropRate },
    config: timeoutCommit !== undefined ? { timeoutCommit } : {},
    txsPerHeight,
    maxTime,
  });
  // the observation model every source emits, one line each (the same text the log hash covers)
  if (values.events) sim.onEvent(({ node, event }) => console.log(eventLine(projectEvent(node, event))));
  const t0 = sim.clock.now();
  if (values.commits) {
    let top = 0;
    sim.onEvent(({ node, event: e }) => {
      if (e.type !== 'NewBlock' || e.block.header.height <= top) return;
      top = e.block.header.height;
      const secs = ((e.at - t0) / 1000).toFixed(3);
      console.log(`height ${top} committed by ${node} in round ${e.commitRound} at t=${secs}s (virtual), ${e.block.data.txs.length} txs, block ${toHex(e.blockId.hash).slice(0, 12)}`);
    });
  }
  // progress on stderr every ~2 s of wall time, so a long run is never silent; on a terminal the
  // line is rewritten in place (unless --events or --commits are printing there too)
  const inPlace = !!io.stderr.isTTY && !values.events && !values.commits;
  const started = io.now();
  let nextProgress = started + PROGRESS_EVERY;
  let top = 0;
  let shown = false;
  sim.onEvent(({ event: e }) => {
    if (e.type === 'NewBlock' && e.block.header.height > top) top = e.block.header.height;
    // the run never yields to the event loop, so main.ts's EPIPE handler would only run at the end
    if (io.stdoutClosed?.()) process.exit(0);
    const now = io.now();
    if (now < nextProgress) return;
    nextProgress = now + PROGRESS_EVERY;
    const line = `… height ${top}/${heights}, ${((now - started) / 1000).toFixed(1)} s (${((sim.clock.now() - t0) / 1000).toFixed(1)} s virtual)`;
    io.stderr.write(inPlace ? `\r${line}\x1b[K` : `${line}\n`);
    shown = true;
  });
  const res = await sim.run();
  if (inPlace && shown) io.stderr.write('\r\x1b[K');
  if (values.json) {
    console.log(JSON.stringify(res, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2));
  } else {
    const rounds = Object.values(res.commitRounds);
    console.log(`seed ${res.seed}: ${res.heights} heights committed in ${(res.virtualTime / 1000).toFixed(1)} s of virtual time`);
    console.log(`rounds per height: ${rounds.map((r) => r + 1).join(' ')}`);
    console.log(`mean block time: ${res.meanBlockTime.toFixed(0)} ms (virtual)`);
    console.log(`messages: ${res.messages.sent} sent, ${res.messages.delivered} delivered, ${res.messages.dropped} dropped, ${res.messages.bytes} bytes`);
    for (const [name, c] of Object.entries(res.checks)) {
      if (name === 'ok') continue;
      const r = c as { ok: boolean; details: string[] };
      console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name}${r.details.length ? `: ${r.details.join('; ')}` : ''}`);
    }
    console.log(`event log sha256 ${res.eventLogHash}`);
    if (!res.ok) console.log(`replay: ${res.replay}`);
  }
  return res.ok ? 0 : 1;
}
