// Our node's WAL through the CometBFT framing, and crashes at WAL write points (catalogue C).
import { describe, expect, it } from 'vitest';
import { concat } from '../../core/bytes.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import { scanCometWal } from '../../core/wal/scan.js';
import { readWal, summarizeWal } from '../../core/wal/inspect.js';
import { Simulation } from '../simulation.js';

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
