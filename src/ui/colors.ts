// Colours and letters: each BlockID gets a colour AND a letter (never colour alone); nil is a
// hatched grey ∅; steps have their own palette.
export const BLOCK_COLORS = ['#2f7ed8', '#e8833a', '#8e5bd6', '#2bb3a0', '#d64b7c', '#9c9c2c'];
export const NIL_COLOR = '#9aa0a6';

export const STEP_COLORS: Record<string, string> = {
  RoundStepNewHeight: '#d9dde3',
  RoundStepNewRound: '#c4cbd4',
  RoundStepPropose: '#8ec5ff',
  RoundStepPrevote: '#ffd58a',
  RoundStepPrevoteWait: '#ffb74d',
  RoundStepPrecommit: '#b7e4a1',
  RoundStepPrecommitWait: '#7cc46a',
  RoundStepCommit: '#4caf50',
  down: '#555',
};

export const shortStep = (s: string) => s.replace('RoundStep', '');
/**
 * A round state's height/round/step as a person reads it. Height 0 is a node before its first
 * height: a WAL's position before any record ("0/0/Unknown" read like an error).
 */
export const positionText = (rs: { height: number; round: number; step: string }, long = false) =>
  rs.height === 0 ? 'not started' : long ? `height ${rs.height}, round ${rs.round}, ${shortStep(rs.step)}` : `${rs.height}/${rs.round}/${shortStep(rs.step)}`;

/** The letter and colour of the `i`-th block (in whatever order a view numbers them: A, B, …). */
export function blockMarkAt(i: number): { letter: string; color: string } {
  return { letter: String.fromCharCode(65 + (i % 26)), color: BLOCK_COLORS[i % BLOCK_COLORS.length] };
}
