// The fuzz targets of `npm run soak` (test/fuzz.ts) on a small budget: a few seconds in all, a fresh
// seed each run (PREVOTE_SEED replays one, PREVOTE_RUNS scales the budget). Any exception other
// than a typed error fails, shrunk to a small input and printed with the seed.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../test/props.js';
import { TARGETS, attempt } from '../test/fuzz.js';

describe.each(TARGETS.map((t) => [t.target.name, t] as const))('fuzz: %s', (_name, { target, testRuns }) => {
  it('refuses bad input with a typed error or an error value, never another exception', () => {
    fc.assert(
      fc.property(target.inputs, (input) => {
        const outcome = attempt(target, input);
        if (outcome.kind === 'untyped') throw outcome.error;
      }),
      propConfig(testRuns),
    );
  });
});
