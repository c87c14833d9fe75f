// Random fault schedules (property, fast-check; the generator is in ../schedules.ts, which
// `npm run soak` samples too). A failure is shrunk to the smallest schedule that still fails and
// printed with its seed and the `prevote sim` line that replays it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RUNS_FACTOR, propConfig } from '../../../test/props.js';
import type { FaultSpec } from '../faults.js';
import type { Topology } from '../topology.js';
import { failedChecks, scheduleOptions, scheduledRuns } from '../schedules.js';
import { simulate } from './run.test-util.js';

const CASES: [string, number, Topology, number][] = [
  ['4 validators, full mesh', 4, { kind: 'full' }, 25],
  ['7 validators, random 4-regular', 7, { kind: 'regular', degree: 4 }, 8],
];

describe.each(CASES)('random fault schedules (property): %s', (_name, n, transport, numRuns) => {
  it('C/D: safety in every run, liveness after healing, with fewer than 1/3 Byzantine', async () => {
    await fc.assert(
      fc.asyncProperty(scheduledRuns(n), async ([seed, faults]) => {
        const { res } = await simulate(scheduleOptions(n, transport, seed, faults));
        expect(failedChecks(res), `seed ${seed}, faults ${JSON.stringify(faults)}\n  replay: ${res.replay}`).toEqual([]);
      }),
      propConfig(numRuns),
    );
  }, 300_000 * Math.max(1, RUNS_FACTOR));
});

// found by the property: both restarts started the node, and the second instance over the same
// stores never committed
it('two faults that restart the same node start it once', async () => {
  const crash: FaultSpec = { kind: 'crash', node: 3, at: { time: 0 }, restartAfter: 200 };
  const { sim, res } = await simulate({ validators: 4, heights: 4, seed: 1, config: { timeoutCommit: 100 }, faults: [crash, { ...crash }] });
  expect(res.checks.liveness, res.replay).toMatchObject({ ok: true });
  expect(sim.nodes[3].crashes).toBe(1);
  expect(sim.committedHeight(3)).toBeGreaterThanOrEqual(4);
});
