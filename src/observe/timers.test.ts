// A node's running timeout as any source can derive it from the node's steps and the config.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSENSUS_CONFIG } from '../core/consensus/config.js';
import type { NodeSummary } from './model.js';
import { StepClock } from './timers.js';

const c = { ...DEFAULT_CONSENSUS_CONFIG, timeoutPropose: 3000, timeoutProposeDelta: 500, timeoutPrevote: 1000, timeoutPrevoteDelta: 500, timeoutPrecommit: 1000, timeoutCommit: 1000 };
const at = (height: number, round: number, step: NodeSummary['step']) => ({ up: true, height, round, step });
const ORIGIN = 10_000;

describe('StepClock', () => {
  it('times each step’s timeout from the moment the step was entered, growing with the round', () => {
    const clock = new StepClock();
    clock.see(1, 0, 'RoundStepNewRound', ORIGIN + 100);
    clock.see(1, 0, 'RoundStepPropose', ORIGIN + 100);
    expect(clock.timer(at(1, 0, 'RoundStepPropose'), c, ORIGIN, ORIGIN + 500)).toEqual({ step: 'RoundStepPropose', from: 100, to: 3100 });
    clock.see(1, 0, 'RoundStepPropose', ORIGIN + 900); // another event in the same step: the timer keeps its start
    expect(clock.timer(at(1, 0, 'RoundStepPropose'), c, ORIGIN, ORIGIN + 1000)!.from).toBe(100);
    clock.see(1, 1, 'RoundStepPropose', ORIGIN + 5000);
    expect(clock.timer(at(1, 1, 'RoundStepPropose'), c, ORIGIN, ORIGIN + 5000)).toEqual({ step: 'RoundStepPropose', from: 5000, to: 8500 });
    clock.see(1, 1, 'RoundStepPrevoteWait', ORIGIN + 6000);
    expect(clock.timer(at(1, 1, 'RoundStepPrevoteWait'), c, ORIGIN, ORIGIN + 6000)).toEqual({ step: 'RoundStepPrevoteWait', from: 6000, to: 7500 });
  });

  it('no timer in a step that arms none, once it fired, for a node down, or for a step it has not seen', () => {
    const clock = new StepClock();
    clock.see(1, 0, 'RoundStepPrevote', ORIGIN);
    expect(clock.timer(at(1, 0, 'RoundStepPrevote'), c, ORIGIN, ORIGIN)).toBeNull(); // timeout_propose no longer matters
    clock.see(1, 0, 'RoundStepPrecommitWait', ORIGIN + 10);
    expect(clock.timer(at(1, 0, 'RoundStepPrecommitWait'), c, ORIGIN, ORIGIN + 1010)).toBeNull();
    expect(clock.timer({ ...at(1, 0, 'RoundStepPrecommitWait'), up: false }, c, ORIGIN, ORIGIN + 20)).toBeNull();
    expect(clock.timer(at(2, 0, 'RoundStepPropose'), c, ORIGIN, ORIGIN + 20)).toBeNull();
  });

  it('timeout_commit counts from the commit, not from entering the new height; none when skipped', () => {
    const clock = new StepClock();
    clock.see(1, 0, 'RoundStepCommit', ORIGIN + 2000);
    clock.see(2, 0, 'RoundStepNewHeight', ORIGIN + 2040); // saving the block took 40 ms
    expect(clock.timer(at(2, 0, 'RoundStepNewHeight'), c, ORIGIN, ORIGIN + 2500)).toEqual({ step: 'RoundStepNewHeight', from: 2040, to: 3000 });
    expect(clock.timer(at(2, 0, 'RoundStepNewHeight'), { ...c, timeoutCommit: 0 }, ORIGIN, ORIGIN + 2500)).toBeNull();
  });
});
