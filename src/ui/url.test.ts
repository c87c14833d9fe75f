// The share link round-trips a scenario and refuses a tampered one with a readable reason.
import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare, shareParams } from './url.js';
import { LESSONS } from './lessons.js';

describe('share links', () => {
  it('round-trips every lesson scenario with actions', () => {
    for (const l of LESSONS) {
      const scenario = { ...l.scenario, faults: [...l.scenario.faults, { kind: 'crash' as const, node: 0, at: { step: 120 } }] };
      expect(decodeShare(encodeShare(l.id, scenario))).toEqual({ lessonId: l.id, scenario, error: null, at: null });
    }
  });

  it('carries the moment and the node shown; a position the run cannot have is ignored', () => {
    const l = LESSONS[0];
    expect(decodeShare(encodeShare(l.id, l.scenario, { t: 12_345.678901234, node: 'n2' })).at).toEqual({ t: 12_345.678901234, node: 'n2' });
    expect(encodeShare(l.id, l.scenario, { t: 4000, node: 'n0' })).toMatch(/&t=4000$/);
    expect(decodeShare(`${encodeShare(l.id, l.scenario)}&t=3500&n=n9`).at).toBeNull(); // 4 validators
    expect(decodeShare(`${encodeShare(l.id, l.scenario)}&t=-1`).at).toBeNull();
    expect(decodeShare(`#lesson=${l.id}&t=2000`).at).toEqual({ t: 2000, node: 'n0' });
  });

  it('a dropped message is an action a link can carry, on gossip links only', () => {
    const drop = { kind: 'dropMessage' as const, from: 1, to: 2, at: { step: 300 } };
    const ok = { validators: 4, seed: 1, faults: [drop] };
    expect(decodeShare(encodeShare(null, ok)).scenario).toEqual(ok);
    expect(decodeShare(encodeShare(null, { ...ok, topology: 'direct' })).error).toContain('gossip links only');
    expect(decodeShare(encodeShare(null, { ...ok, faults: [{ ...drop, to: 1 }] })).error).toContain('two different validator indices');
    expect(decodeShare(encodeShare(null, { ...ok, faults: [{ ...drop, from: 7 }] })).error).toContain('faults[0]');
  });

  it('a tampered scenario is refused with the field that is wrong', () => {
    const bad = encodeShare(null, { validators: 4, seed: 1, faults: [{ kind: 'crash', node: 99 }] });
    const d = decodeShare(bad);
    expect(d.scenario).toBeNull();
    expect(d.error).toContain('faults[0].node');
    expect(decodeShare('#s=%%%').error).toContain('could not be read');
  });

  it('reads a link typed as a query (?lesson=…) when the hash has none', () => {
    expect(shareParams({ hash: '', search: '?lesson=locks' })).toBe('?lesson=locks');
    expect(decodeShare(shareParams({ hash: '', search: '?lesson=lock-on-polka&t=2000' }))).toMatchObject({ lessonId: 'lock-on-polka', error: null, at: { t: 2000, node: 'n0' } });
    expect(shareParams({ hash: '#lesson=pol', search: '?lesson=locks' })).toBe('#lesson=pol'); // the hash wins
    expect(shareParams({ hash: '#', search: '?join' })).toBe('');
  });
});
