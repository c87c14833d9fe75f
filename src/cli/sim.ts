// `prevote sim`: a deterministic simulation, headless.
import { parseArgs } from 'node:util';
import type { FaultSpec } from '../sim/faults.js';
import { scenarioProblems } from '../core/scenario.js';
import { toHex } from '../core/bytes.js';
import { describeEvent, Simulation } from '../sim/simulation.js';
import type { Topology } from '../sim/topology.js';
import { parseTopology } from '../sim/topology.js';

export const SIM_HELP = `Usage: prevote sim [options]

Runs N validators (the real engine and node loop) on a virtual clock with a seeded PRNG and a
simulated network, then checks agreement, validity, no double signing and liveness.

Options:
  --validators N     number of validators (default 4)
  --heights H        stop when every correct node has committed H heights (default 5) and,
                     after faults, has committed again since the last one healed
  --seed S           PRNG seed (default 1); the same seed reproduces the run exactly
  --fault JSON       a fault, repeatable; e.g. '{"kind":"crash","node":0,"at":{"height":2}}'
                     kinds: crash (restartAfter), silence, partition (groups), delay (from,to,
                     delayMin,delayMax,dropRate), dropProposals, equivocateProposal,
                     equivocateVotes, amnesia, nilPrecommit, forceTimeout, restart,
                     crashAtWalWrite (write, after, restartAfter); each with optional "at"
                     ({height,round}, {time} or {step}) and "duration" (ms)
  --topology T       gossip topology: full (default), ring, regular:<d>; or direct
                     (every message broadcast to every node, no reactor)
  --gossip-sleep MS  the reactor's peer_gossip_sleep_duration (default 100)
  --delay MIN,MAX    message delay range in ms (default 10,50)
  --drop P           message drop rate 0..1 (default 0)
  --timeout-commit MS  timeout_commit (default 1000)
  --txs N            key=value transactions submitted per height (default 0)
  --events           print every event
  --commits          print a line whenever a height is first committed
  --json             print the summary as JSON
  --help             this text`;

export async function runSimCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
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
      events: { type: 'boolean', default: false },
      commits: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const num = (name: string, v: string, min = 0) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  let faults: FaultSpec[];
  try {
    faults = (values.fault as string[]).map((f) => JSON.parse(f) as FaultSpec);
  } catch (e) {
    console.error(`prevote sim: --fault is not JSON: ${(e as Error).message}`);
    return 2;
  }
  const validators = num('validators', values.validators as string, 1);
  const faultProblems = scenarioProblems({ validators, seed: 0, faults }).filter((p) => p.startsWith('faults'));
  if (faultProblems.length) {
    console.error(`prevote sim: --fault: ${faultProblems.join('; ').replace(/faults\[(\d+)\]/g, (_, i) => `fault #${Number(i) + 1}`)}`);
    return 2;
  }
  const [delayMin, delayMax] = (values.delay as string).split(',').map((x) => num('delay', x));
  let transport: Topology | 'direct';
  try {
    transport = values.topology === 'direct' ? 'direct' : parseTopology(values.topology as string);
  } catch (e) {
    console.error(`prevote sim: --topology: ${(e as Error).message}`);
    return 2;
  }
  const sim = new Simulation({
    transport,
    gossipSleep: values['gossip-sleep'] !== undefined ? num('gossip-sleep', values['gossip-sleep'] as string, 1) : undefined,
    validators,
    heights: num('heights', values.heights as string, 1),
    seed: num('seed', values.seed as string),
    faults,
    link: { delayMin, delayMax: delayMax ?? delayMin, dropRate: num('drop', values.drop as string) },
    config: values['timeout-commit'] !== undefined ? { timeoutCommit: num('timeout-commit', values['timeout-commit'] as string) } : {},
    txsPerHeight: num('txs', values.txs as string),
  });
  if (values.events) sim.onEvent((rec) => console.log(describeEvent(rec)));
  if (values.commits) {
    let top = 0;
    const t0 = sim.clock.now();
    sim.onEvent(({ node, event: e }) => {
      if (e.type !== 'NewBlock' || e.block.header.height <= top) return;
      top = e.block.header.height;
      const secs = ((e.at - t0) / 1000).toFixed(3);
      console.log(`height ${top} committed by ${node} in round ${e.commitRound} at t=${secs}s (virtual), ${e.block.data.txs.length} txs, block ${toHex(e.blockId.hash).slice(0, 12)}`);
    });
  }
  const res = await sim.run();
  if (values.json) {
    console.log(JSON.stringify(res, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
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
