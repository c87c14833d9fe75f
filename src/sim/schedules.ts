// Random fault schedules (fast-check arbitraries) for the schedule property test and `npm run soak`:
// up to f Byzantine validators (f < n/3 of equal power), crashes with restarts, partitions,
// silence, slow and lossy links, forced timeouts, all of which heal. Safety must hold in every run,
// and once everything heals every correct validator commits again.
// Test and soak tooling only: the app never imports this module (fast-check is a dev dependency).
import fc from 'fast-check';
import type { FaultSpec } from './faults.js';
import type { SimOptions, SimResult } from './simulation.js';
import type { Topology } from './topology.js';

export function schedules(n: number): fc.Arbitrary<FaultSpec[]> {
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

/** A simulation seed and a schedule for n validators. */
export const scheduledRuns = (n: number) => fc.tuple(fc.integer({ min: 1, max: 2 ** 31 }), schedules(n));

/** The run every schedule gets, in the test and in the soak alike. */
export function scheduleOptions(n: number, transport: Topology | 'direct', seed: number, faults: FaultSpec[]): SimOptions {
  return { validators: n, heights: 4, seed, transport, config: { timeoutCommit: 100 }, faults, maxTime: 120_000 };
}

/** Names of the checkers that failed (every checker the report has, so new ones count too). */
export function failedChecks(res: SimResult): string[] {
  return Object.entries(res.checks)
    .filter(([k, v]) => k !== 'ok' && typeof v === 'object' && v !== null && !(v as { ok: boolean }).ok)
    .map(([k]) => k);
}
