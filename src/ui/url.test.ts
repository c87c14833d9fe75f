// The share link round-trips a scenario and refuses a tampered one with a readable reason.
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare } from './url.js';
import { LESSONS } from './lessons.js';

describe('share links', () => {
  it('round-trips every lesson scenario with actions', () => {
    for (const l of LESSONS) {
      const scenario = { ...l.scenario, faults: [...l.scenario.faults, { kind: 'crash' as const, node: 0, at: { step: 120 } }] };
      expect(decodeShare(encodeShare(l.id, scenario))).toEqual({ lessonId: l.id, scenario, error: null });
    }
  });

  it('a tampered scenario is refused with the field that is wrong', () => {
    const bad = encodeShare(null, { validators: 4, seed: 1, faults: [{ kind: 'crash', node: 99 }] });
    const d = decodeShare(bad);
    expect(d.scenario).toBeNull();
    expect(d.error).toContain('faults[0].node');
    expect(decodeShare('#s=%%%').error).toContain('could not be read');
  });
});
