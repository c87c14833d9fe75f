// FileWAL: what is written reads back through the same readers; damage is refused, then repaired on request.
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/tmp.js';
import { readFileSync, appendFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PrevoteError } from '../../core/errors.js';
import { readWal, summarizeWal } from '../../core/wal/inspect.js';
import { Simulation } from '../../sim/simulation.js';
import { FileWAL, openWAL } from './file-wal.js';

const tmp = tempDirs('prevote-wal-');

describe('FileWAL', () => {
  it('a simulated node’s records, written to a file, read back and replay from the last EndHeight', async () => {
    const sim = new Simulation({ validators: 4, heights: 2, seed: 8, config: { timeoutCommit: 100 } });
    await sim.run();
    const records = sim.nodes[2].wal.records;
    const path = join(tmp(), 'wal');
    const wal = await FileWAL.open(path);
    expect(await wal.isEmpty()).toBe(true);
    for (const r of records) await (r.type === 'endHeight' || (r.type === 'msgInfo' && r.peerId === '') ? wal.writeSync(r) : wal.write(r));
    expect(await wal.isEmpty()).toBe(false);
    const top = Math.max(...records.flatMap((r) => (r.type === 'endHeight' ? [r.height] : [])));
    const i = records.findIndex((r) => r.type === 'endHeight' && r.height === top);
    expect(await wal.recordsAfterEndHeight(top)).toEqual(records.slice(i + 1));
    await expect(wal.recordsAfterEndHeight(top - 1)).rejects.toThrow(/should not contain #ENDHEIGHT/);
    await wal.close();
    expect(summarizeWal(readWal(new Uint8Array(readFileSync(path)))).records).toBe(records.length);

    appendFileSync(path, Buffer.from('\x00\x00\x00\x01\x00\x00\x00\x09half'));
    const err = await FileWAL.open(path).catch((e) => e);
    expect(err).toBeInstanceOf(PrevoteError);
    expect(err.code).toBe('ErrWalCorrupted');
    expect(err.message).toMatch(new RegExp(`record #${records.length} at byte`));
    const repaired = await FileWAL.open(path, { repair: true });
    expect(existsSync(`${path}.CORRUPTED`)).toBe(true);
    expect((await repaired.recordsAfterEndHeight(top))!.length).toBe(records.length - i - 1);
    await repaired.close();
  });

  it('openWAL creates the WAL directory, readable by its owner only', async () => {
    const dir = join(tmp(), 'data', 'cs.wal');
    const wal = await openWAL(join(dir, 'wal'));
    await wal.writeSync({ type: 'endHeight', time: 1700000000000, height: 0 });
    await wal.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(summarizeWal(readWal(new Uint8Array(readFileSync(join(dir, 'wal'))))).records).toBe(1);
  });
});

