// A node's running timeout, from what every source sees: the steps it entered and when (its
// events), and the consensus config's timeouts. The engine arms timeout_propose on entering
// Propose, the waits on entering PrevoteWait and PrecommitWait, and timeout_commit once it
// committed (core/consensus/state.ts); a timeout armed earlier but no longer able to change
// anything (timeout_propose once the node prevoted) is not shown. The classroom fills
// NodeSummary.timer with it; a live node or a WAL replay can feed the same StepClock its events.
import type { ConsensusConfig } from '../core/consensus/config.js';
import { skipsTimeoutCommit, timeoutPrecommit, timeoutPrevote, timeoutPropose } from '../core/consensus/config.js';
import type { NodeSummary, RunningTimeout, StepName } from './model.js';

/** Where one node is (height/round/step), since when, and when it last entered Commit (absolute ms). */
export class StepClock {
  private key = '';
  private since = 0;
  private commitAt: number | null = null;

  /** One of the node's events, in order. */
  see(height: number, round: number, step: StepName, at: number): void {
    const key = `${height}/${round}/${step}`;
    if (key === this.key) return;
    this.key = key;
    this.since = at;
    if (step === 'RoundStepCommit') this.commitAt = at;
  }

  /**
   * The timeout the node waits on at absolute time `now`, in ms since `origin`; null when it waits
   * on none, or when the summary is of a moment this clock has not seen (a step without an event).
   */
  timer(n: Pick<NodeSummary, 'up' | 'height' | 'round' | 'step'>, c: ConsensusConfig, origin: number, now: number): RunningTimeout | null {
    if (!n.up || n.step === 'down' || this.key !== `${n.height}/${n.round}/${n.step}`) return null;
    const since = this.since;
    let to: number | null = null;
    if (n.step === 'RoundStepPropose') to = since + timeoutPropose(c, n.round);
    else if (n.step === 'RoundStepPrevoteWait') to = since + timeoutPrevote(c, n.round);
    else if (n.step === 'RoundStepPrecommitWait') to = since + timeoutPrecommit(c, n.round);
    else if (n.step === 'RoundStepNewHeight' && !skipsTimeoutCommit(c)) to = (this.commitAt ?? since) + c.timeoutCommit;
    return to !== null && to > now ? { step: n.step, from: since - origin, to: to - origin } : null;
  }
}
