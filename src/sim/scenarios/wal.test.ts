// Our node's WAL through the CometBFT framing, and crashes at WAL write points (catalogue C).
import { describe, expect, it } from 'vitest';
import { concat } from '../../core/bytes.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { scanCometWal } from '../../core/wal/scan.js';
import { readWal, summarizeWal } from '../../core/wal/inspect.js';
import type { SimOptions } from '../simulation.js';
import { Simulation } from '../simulation.js';
import { expectHealthy, simulate, withSeed } from './run.test-util.js';

describe('our WAL', () => {
  it('records written by a simulated node read back identical through the binary framing', async () => {
    const sim = new Simulation({ validators: 4, heights: 3, seed: 4, config: { timeoutCommit: 100 } });
    await sim.run();
    const records = sim.nodes[1].wal.records;
    const bytes = concat(...records.map(encodeWalRecord));
    const back = scanCometWal(bytes);
    expect(back.corruption).toBeNull();
    expect(back.entries.map((e) => e.record)).toEqual(records);
    expect(summarizeWal(readWal(bytes)).endHeights).toEqual([0, 1, 2, 3]);
  });
});

/** How many WAL writes node 0 makes before its EndHeight(h) marker, in an undisturbed run. */
async function writesUntilEndHeight(opts: Omit<SimOptions, 'heights'>, h: number): Promise<number> {
  const { sim } = await simulate({ ...opts, heights: h });
  return sim.nodes[0].wal.records.findIndex((r) => r.type === 'endHeight' && r.height === h) + 1;
}

describe('crash recovery at every WAL write point (catalogue C)', () => {
  const base = { validators: 1, seed: 31, config: { timeoutCommit: 50 } };

  it('C-01 one validator, empty blocks: a crash before each write up to EndHeight(1) recovers', async () => {
    const last = await writesUntilEndHeight(base, 1);
    expect(last).toBeGreaterThan(5);
    for (let k = 1; k <= last; k++) {
      const { sim, res } = await simulate({ ...base, heights: 3, faults: [{ kind: 'crashAtWalWrite', node: 0, write: k, restartAfter: 300 }] });
      expectHealthy(res);
      withSeed(res, () => {
        expect(sim.nodes[0].crashes).toBe(1);
        expect(sim.committedHeight(0)).toBeGreaterThanOrEqual(3);
      });
    }
  });

  it('C-04 a crash right after each write (made durable) up to EndHeight(1) recovers', async () => {
    const last = await writesUntilEndHeight(base, 1);
    for (let k = 1; k <= last; k++) {
      const { res } = await simulate({ ...base, heights: 3, faults: [{ kind: 'crashAtWalWrite', node: 0, write: k, after: true, restartAfter: 300 }] });
      expectHealthy(res);
    }
  });

  it('C-02 four validators with transactions: node 0 crashing at every other write of height 2 never double-signs', async () => {
    const opts = { validators: 4, seed: 32, config: { timeoutCommit: 100 }, txsPerHeight: 2 };
    const first = await writesUntilEndHeight(opts, 1);
    const last = await writesUntilEndHeight(opts, 2);
    for (let k = first; k <= last; k += 2) {
      const { sim, res } = await simulate({ ...opts, heights: 4, faults: [{ kind: 'crashAtWalWrite', node: 0, write: k, restartAfter: 400 }] });
      expectHealthy(res); // agreement, validity, no double signing, liveness
      withSeed(res, () => expect(sim.committedHeight(0)).toBeGreaterThanOrEqual(4));
    }
  });
});
