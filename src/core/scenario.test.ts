// Scenarios from outside (shared links, the settings form) are checked field by field.
import { describe, expect, it } from 'vitest';
import { scenarioProblems } from './scenario.js';

const ok = { validators: 4, seed: 7, faults: [] };

describe('scenarioProblems', () => {
  it('accepts a minimal and a full scenario', () => {
    expect(scenarioProblems(ok)).toEqual([]);
    const full = {
      validators: 5, seed: 1, powers: [10, 10, 20, 5, 1], timeouts: { timeoutPropose: 3000, timeoutCommit: 0 }, delay: [5, 20], topology: 'regular:4', txsPerHeight: 3,
      faults: [
        { kind: 'crash', node: 4, at: { height: 2, round: 1 }, restartAfter: 2000 },
        { kind: 'partition', groups: [[0, 1, 2], [3, 4]], at: { time: 1500 }, duration: 4000 },
        { kind: 'delay', to: 2, delayMin: 100, delayMax: 200, dropRate: 0.5, at: { step: 90 } },
        { kind: 'forceTimeout', node: 0, at: { step: 12 } },
        { kind: 'crashAtWalWrite', node: 1, write: 3, restartAfter: 500 },
      ],
    };
    expect(scenarioProblems(full)).toEqual([]);
    expect(scenarioProblems({ ...ok, faults: [{ kind: 'crash', node: 1, at: { height: 2, round: 0 } }] })).toEqual([]);
  });

  it.each([
    [null, 'not an object'],
    [{ ...ok, validators: 0 }, 'validators'],
    [{ ...ok, validators: 2.5 }, 'validators'],
    [{ ...ok, validators: 100000 }, 'validators'],
    [{ ...ok, seed: -1 }, 'seed'],
    [{ ...ok, powers: [1, 2, 3] }, 'powers'],
    [{ ...ok, powers: [1, 2, 3, 0] }, 'powers'],
    [{ ...ok, timeouts: { timeoutPropose: -1 } }, 'timeouts.timeoutPropose'],
    [{ ...ok, timeouts: { timeoutSomething: 5 } }, 'timeouts.timeoutSomething'],
    [{ ...ok, delay: [20, 5] }, 'delay'],
    [{ ...ok, topology: 'star' }, 'topology'],
    [{ ...ok, txsPerHeight: 1e9 }, 'txsPerHeight'],
    [{ ...ok, faults: 'none' }, 'faults'],
    [{ ...ok, faults: [{ kind: 'crash', node: 4 }] }, 'faults[0].node: a validator index (0 to 3 with 4 validators), got 4'],
    [{ ...ok, validators: 1, faults: [{ kind: 'crash' }] }, 'faults[0].node: a validator index (0, the one validator), got none'],
    [{ ...ok, faults: [{ kind: 'meteor', node: 1 }] }, 'faults[0].kind'],
    [{ ...ok, faults: [{ kind: 'partition', groups: [[0, 9]] }] }, 'faults[0].groups'],
    [{ ...ok, faults: [{ kind: 'delay', delayMin: 9, delayMax: 1 }] }, 'faults[0]'],
    [{ ...ok, faults: [{ kind: 'delay', delayMin: 1, delayMax: 9, dropRate: 2 }] }, 'faults[0].dropRate'],
    [{ ...ok, faults: [{ kind: 'silence', node: 1, at: { when: 'later' } }] }, 'faults[0].at'],
    [{ ...ok, faults: [{ kind: 'silence', node: 1, duration: Infinity }] }, 'faults[0].duration'],
    [{ ...ok, txsPerHeight: 0.5 }, 'txsPerHeight'],
    [{ ...ok, seed: 1.5 }, 'seed'],
    [{ ...ok, faults: [{ kind: 'crash', node: 1, at: { height: 2, round: -1 } }] }, 'faults[0].at.round'],
    [{ ...ok, faults: [{ kind: 'crash', node: 1, at: { height: 2, round: 'x' } }] }, 'faults[0].at.round'],
    [{ ...ok, faults: [{ kind: 'crash', node: 1, at: { height: 2, round: 0.5 } }] }, 'faults[0].at.round'],
    [{ ...ok, faults: [{ kind: 'crash', node: 1, at: { time: 5, round: 1 } }] }, 'faults[0].at.round'],
    [{ ...ok, faults: [{ kind: 'partition', groups: [[0, 1], [1, 2, 3]] }] }, 'faults[0].groups[1]: validator 1 is also in group 0'],
    [{ ...ok, faults: [{ kind: 'partition', groups: [[0, 0], [1]] }] }, 'faults[0].groups[0]: validator 0 is listed twice'],
  ])('rejects %j naming %s', (s, field) => {
    const problems = scenarioProblems(s);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].startsWith(field)).toBe(true);
  });

  it.each([
    // a value out of range is told its range, not listed the names it already has
    [{ ...ok, timeouts: { timeoutPropose: 999999999999 } }, 'timeouts.timeoutPropose: from 0 to 3600000 ms'],
    [{ ...ok, timeouts: { timeoutPropse: 1000 } }, 'timeouts.timeoutPropse: not a timeout (timeoutPropose, timeoutPrevote, timeoutPrecommit, timeoutCommit)'],
    [{ ...ok, powers: [9007199254740993, 1, 1, 1] }, 'powers: one integer from 1 to 10^12 per validator (4)'],
    [{ ...ok, faults: [{ kind: 'silence', node: 1, duration: 1e10 }] }, 'faults[0].duration: from 0 to 3600000 ms'],
    [{ ...ok, faults: [{ kind: 'crash', node: 0, restartafter: 1000 }] }, 'faults[0].restartafter: not a field of crash (at, duration, node, restartAfter)'],
    [{ ...ok, validators: 1, timeouts: { timeoutCommit: 0 } }, 'timeouts.timeoutCommit: at least 1 ms with one validator (alone, with none, it commits height after height at one instant, forever)'],
  ])('says the range of %j: %s', (s, message) => {
    expect(scenarioProblems(s)).toEqual([message]);
  });
});
