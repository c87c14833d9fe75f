// Random fault schedules (property, fast-check): one Byzantine validator of four, crashes with
// restarts, partitions and slow, lossy links that heal. Safety must hold in every run, and once
// everything heals the correct validators commit again. A failure is shrunk to the smallest
// schedule that still fails and printed with its seed and the `prevote sim` line that replays it.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FaultSpec } from '../faults.js';
import { simulate } from './run.test-util.js';

const N = 4;
const node = fc.integer({ min: 0, max: N - 1 });
const start = fc.oneof(fc.record({ height: fc.integer({ min: 1, max: 3 }) }), fc.record({ time: fc.integer({ min: 0, max: 4000 }) }));
const lasting = fc.integer({ min: 200, max: 5000 });

/** Benign faults: anything may happen to anyone, for a while. */
const benign = fc.oneof(
  fc.record({ kind: fc.constant('crash' as const), node, at: start, restartAfter: lasting }),
  fc.record({ kind: fc.constant('silence' as const), node, at: start, duration: lasting }),
  fc.record({ kind: fc.constant('forceTimeout' as const), node, at: start }),
  fc.shuffledSubarray([0, 1, 2, 3], { minLength: 1, maxLength: N - 1 }).chain((side) =>
    fc.record({ kind: fc.constant('partition' as const), groups: fc.constant([side, [0, 1, 2, 3].filter((i) => !side.includes(i))]), at: start, duration: lasting }),
  ),
  fc.record({ kind: fc.constant('delay' as const), to: node, delayMin: fc.integer({ min: 0, max: 300 }), delayMax: fc.integer({ min: 300, max: 1500 }), dropRate: fc.double({ min: 0, max: 0.5, noNaN: true }), at: start, duration: lasting }),
) as fc.Arbitrary<FaultSpec>;

/** At most one Byzantine validator (1/4 of the power, under 1/3): it may lie from the start. */
const byzantine = (culprit: number): fc.Arbitrary<FaultSpec[]> =>
  fc.subarray(['equivocateVotes', 'equivocateProposal', 'amnesia', 'nilPrecommit', 'dropProposals'] as const).map((kinds) => kinds.map((kind) => ({ kind, node: culprit }) as FaultSpec));

const schedule = node.chain((culprit) => fc.tuple(fc.constant(culprit), byzantine(culprit), fc.array(benign, { maxLength: 4 })));

describe('random fault schedules (property)', () => {
  // found by the property below: both restarts started a node, and the second instance over the
  // same stores never committed
  it('two faults that restart the same node start it once', async () => {
    const crash: FaultSpec = { kind: 'crash', node: 3, at: { time: 0 }, restartAfter: 200 };
    const { sim, res } = await simulate({ validators: N, heights: 4, seed: 1, config: { timeoutCommit: 100 }, faults: [crash, { ...crash }] });
    expect(res.checks.liveness, res.replay).toMatchObject({ ok: true });
    expect(sim.nodes[3].crashes).toBe(1);
    expect(sim.committedHeight(3)).toBeGreaterThanOrEqual(4);
  });

  it('C/D: safety in every run, liveness after healing, with at most one Byzantine validator of four', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), schedule, async (seed, [, lies, faults]) => {
        const all = [...lies, ...faults];
        const { res } = await simulate({ validators: N, heights: 4, seed, config: { timeoutCommit: 100 }, faults: all, maxTime: 120_000 });
        const c = res.checks;
        const verdict = { agreement: c.agreement.ok, validity: c.validity.ok, noDoubleSign: c.noDoubleSign.ok, liveness: c.liveness.ok };
        expect(verdict, `seed ${seed}, faults ${JSON.stringify(all)}\n  replay: ${res.replay}`).toEqual({ agreement: true, validity: true, noDoubleSign: true, liveness: true });
      }),
      { numRuns: 25, seed: 20261124 },
    );
  }, 300_000);
});
