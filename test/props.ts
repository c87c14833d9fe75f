// Run counts and seeds of the property tests (fast-check), from the environment, so the same
// properties serve `npm test` (bounded) and longer sweeps:
//   PREVOTE_RUNS=k  multiplies each property's default run count (k may be a fraction, e.g. 0.1;
//                   every property still runs at least once). Unset: the defaults, as `npm test` runs.
//   PREVOTE_SEED=s  the seed of every property in the run. Unset: drawn from the clock, so each run
//                   explores new cases. A failure prints "replay: PREVOTE_SEED=s npx vitest run <file>".
// Test code only: it lives outside src/ so nothing in the app can import it.
import { relative } from 'node:path';
import { expect } from 'vitest';
import fc from 'fast-check';

function envNumber(name: string, ok: (n: number) => boolean, what: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!ok(n)) throw new Error(`${name}=${raw}: expected ${what}`);
  return n;
}

export const RUNS_FACTOR = envNumber('PREVOTE_RUNS', (n) => Number.isFinite(n) && n > 0, 'a positive multiplier') ?? 1;
export const SEED = envNumber('PREVOTE_SEED', Number.isSafeInteger, 'an integer seed') ?? (Date.now() ^ (Math.random() * 2 ** 31)) | 0;

/** `defaultRuns` scaled by PREVOTE_RUNS (at least 1). */
export function runs(defaultRuns: number): number {
  return Math.max(1, Math.round(defaultRuns * RUNS_FACTOR));
}

/** fast-check parameters for one property; a failure names the environment that replays it. */
export function propConfig<T>(defaultRuns: number): fc.Parameters<T> {
  return {
    numRuns: runs(defaultRuns),
    seed: SEED,
    reporter: (out) => {
      if (!out.failed) return;
      const file = relative(process.cwd(), expect.getState().testPath ?? '<this file>');
      throw new Error(`${fc.defaultReportMessage(out)}\n  replay: PREVOTE_SEED=${out.seed} npx vitest run ${file}`, { cause: out.errorInstance });
    },
  };
}
