// The timeout each node waits on, when the source says (the classroom's frames carry them: a live
// node or a WAL replay does not), and how much of it is left at the frame's time.
import type { Frame } from '../../observe/model.js';
import type { ClassroomFrame, TimerView } from '../../observe/classroom.js';

export function timersOf(frame: Frame | null): Map<string, TimerView> {
  const timers = (frame as Partial<ClassroomFrame> | null)?.timers ?? [];
  return new Map(timers.map((t) => [t.node, t]));
}

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
export function remaining(timer: TimerView, t: number): number {
  const total = timer.to - timer.from;
  return total <= 0 ? 0 : Math.min(1, Math.max(0, (timer.to - t) / total));
}
