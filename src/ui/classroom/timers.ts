// How a node's running timeout is drawn (NodeSummary.timer, when the source knows it: the
// classroom always, other sources once they feed observe/timers.ts), and how much of it is left
// at the frame's time.
import type { RunningTimeout } from '../../observe/model.js';

/** What a timer is called in CometBFT's config. */
export const TIMER_NAMES: Record<string, string> = {
  RoundStepPropose: 'timeout_propose',
  RoundStepPrevoteWait: 'timeout_prevote',
  RoundStepPrecommitWait: 'timeout_precommit',
  RoundStepNewHeight: 'timeout_commit',
};

export const TIMER_COLORS: Record<string, string> = {
  RoundStepPropose: '#1565c0',
  RoundStepPrevoteWait: '#ef6c00',
  RoundStepPrecommitWait: '#2e7d32',
  RoundStepNewHeight: '#78909c',
};

/** The share of the timeout still to run at `t` (1 when armed, 0 when it fires). */
export function remaining(timer: RunningTimeout, t: number): number {
  const total = timer.to - timer.from;
  return total <= 0 ? 0 : Math.min(1, Math.max(0, (timer.to - t) / total));
}
