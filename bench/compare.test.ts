import { describe, expect, it } from 'vitest';
import { compareReports } from './compare.js';

const report = (hps: number, bound: number, signBound: number, raw: number) => ({
  baseline: { rawWebCryptoVerifiesPerSecond: raw },
  consensus: {
    validators_4: {
      heightsPerSecond: hps,
      heightsPerSecondEachRun: [hps, hps / 2, hps],
      verificationBoundHeightsPerSecond: bound,
      ratioToVerificationBound: hps / bound,
      signingBoundHeightsPerSecond: signBound,
      heights: 2000,
    },
  },
});

describe('bench --compare', () => {
  it('flags a drop of more than 20% in what the code does, never in the machine’s own baselines', () => {
    const c = compareReports(report(600, 1700, 3000, 15_000), report(420, 1000, 2000, 9000), 'saved.json');
    expect(c.ok).toBe(false);
    // the engine fell 30% and so did its ratio to the (unchanged) bound it is judged by
    expect(c.drops).toEqual(['consensus.validators_4.heightsPerSecond']);
    const baselines = c.fields.filter((f) => f.baseline).map((f) => f.path);
    expect(baselines).toEqual([
      'baseline.rawWebCryptoVerifiesPerSecond',
      'consensus.validators_4.verificationBoundHeightsPerSecond',
      'consensus.validators_4.signingBoundHeightsPerSecond',
    ]);
  });

  it('passes a drop within 20%, leaves out what one run lacks, and does not judge each run’s values', () => {
    const saved = report(600, 1700, 3000, 15_000);
    const current = { ...report(500, 1700, 3000, 15_000), gossip: { messagesPerSecond: 1 } };
    const c = compareReports(saved, current, 'saved.json');
    expect(c.ok).toBe(true);
    expect(c.fields.map((f) => f.path)).not.toContain('gossip.messagesPerSecond');
    expect(c.fields.some((f) => f.path.includes('EachRun'))).toBe(false);
    expect(c.fields.find((f) => f.path.endsWith('validators_4.heightsPerSecond'))!.change).toBeCloseTo(-1 / 6);
  });
});
