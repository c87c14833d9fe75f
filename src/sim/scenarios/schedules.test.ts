// Random fault schedules (property, fast-check): up to f Byzantine validators (f < n/3 of equal
// power), crashes with restarts, partitions, silence, slow and lossy links, forced timeouts, all of
// which heal. Safety must hold in every run, and once everything heals every correct validator
// commits again. A failure is shrunk to the smallest schedule that still fails and printed with its
// seed and the `prevote sim` line that replays it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FaultSpec } from '../faults.js';
import type { Topology } from '../topology.js';
import { simulate } from './run.test-util.js';

function schedules(n: number): fc.Arbitrary<FaultSpec[]> {
  const all = Array.from({ length: n }, (_, i) => i);
  const node = fc.integer({ min: 0, max: n - 1 });
  const start = fc.oneof(fc.record({ height: fc.integer({ min: 1, max: 3 }) }), fc.record({ time: fc.integer({ min: 0, max: 4000 }) }));
  const lasting = fc.integer({ min: 200, max: 5000 });
  const benign = fc.oneof(
    fc.record({ kind: fc.constant('crash' as const), node, at: start, restartAfter: lasting }),
    fc.record({ kind: fc.constant('silence' as const), node, at: start, duration: lasting }),
    fc.record({ kind: fc.constant('forceTimeout' as const), node, at: start }),
    fc.shuffledSubarray(all, { minLength: 1, maxLength: n - 1 }).chain((side) =>
      fc.record({ kind: fc.constant('partition' as const), groups: fc.constant([side, all.filter((i) => !side.includes(i))]), at: start, duration: lasting }),
    ),
    fc.record({ kind: fc.constant('delay' as const), to: node, delayMin: fc.integer({ min: 0, max: 300 }), delayMax: fc.integer({ min: 300, max: 1500 }), dropRate: fc.double({ min: 0, max: 0.5, noNaN: true }), at: start, duration: lasting }),
  ) as fc.Arbitrary<FaultSpec>;
  // Byzantine validators lie from the start, in any combination of ways
  const lies = fc.subarray(['equivocateVotes', 'equivocateProposal', 'amnesia', 'nilPrecommit', 'dropProposals'] as const);
  const byzantine = fc
    .shuffledSubarray(all, { maxLength: Math.floor((n - 1) / 3) })
    .chain((culprits) => fc.tuple(...culprits.map((c) => lies.map((kinds) => kinds.map((kind) => ({ kind, node: c }) as FaultSpec)))))
    .map((lists) => lists.flat());
  return fc.tuple(byzantine, fc.array(benign, { maxLength: 4 })).map(([a, b]) => [...a, ...b]);
}

const CASES: [string, number, Topology, number][] = [
  ['4 validators, full mesh', 4, { kind: 'full' }, 25],
  ['7 validators, random 4-regular', 7, { kind: 'regular', degree: 4 }, 8],
];

describe.each(CASES)('random fault schedules (property): %s', (_name, n, transport, numRuns) => {
  it('C/D: safety in every run, liveness after healing, with fewer than 1/3 Byzantine', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), schedules(n), async (seed, faults) => {
        const { res } = await simulate({ validators: n, heights: 4, seed, transport, config: { timeoutCommit: 100 }, faults, maxTime: 120_000 });
        const c = res.checks;
        const verdict = { agreement: c.agreement.ok, validity: c.validity.ok, noDoubleSign: c.noDoubleSign.ok, liveness: c.liveness.ok };
        expect(verdict, `seed ${seed}, faults ${JSON.stringify(faults)}\n  replay: ${res.replay}`).toEqual({ agreement: true, validity: true, noDoubleSign: true, liveness: true });
      }),
      { numRuns, seed: 20261124 },
    );
  }, 300_000);
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
