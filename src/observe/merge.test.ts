// Merging four simulated validators' WALs, two of them written by clocks that were off by seconds:
// the skews are found from the votes' sends and receipts, and once corrected every received vote
// and proposal comes after its sender's own record of it.
import { describe, expect, it } from 'vitest';
import { concat } from '../core/bytes.js';
import { readShared } from '../../test/shared.js';
import { readWal } from '../core/wal/inspect.js';
import { encodeWalRecord } from '../core/wal/record.js';
import { Simulation } from '../sim/simulation.js';
import { mergeWals } from './merge.js';

describe('mergeWals', () => {
  it('estimates clock skew from the votes and orders every receipt after its send', async () => {
    const sim = new Simulation({ validators: 4, heights: 4, seed: 9, config: { timeoutCommit: 200 } });
    await sim.run();
    const off = [0, 5000, -3000, 250];
    const files = sim.nodes.map((n, i) => ({
      node: `n${i}`,
      file: readWal(concat(...n.wal.records.map((r) => encodeWalRecord({ ...r, time: r.time + off[i] })))),
    }));
    const merged = mergeWals(files);
    expect(merged.links).toBeGreaterThan(50);
    for (let i = 1; i < 4; i++) expect(Math.abs(merged.skew[`n${i}`]! - off[i]), `n${i}`).toBeLessThan(50);
    const at = new Map(merged.entries.map((e, k) => [`${e.node}#${e.index}`, k]));
    let checked = 0;
    for (const [k, e] of merged.entries.entries()) {
      if (!e.sentBy) continue;
      expect(k, `${e.node}#${e.index}`).toBeGreaterThan(at.get(`${e.sentBy.node}#${e.sentBy.index}`)!);
      checked++;
    }
    expect(checked).toBe(merged.links);
    // one file alone: nothing to link, its own clock
    expect(mergeWals(files.slice(0, 1)).skew).toEqual({ n0: 0 });
  });

  it('draws a file nothing links from the first file\'s start only when they share no time', async () => {
    const walAt = async (seed: number, start: number) => {
      const sim = new Simulation({ validators: 1, heights: 3, seed, config: { timeoutCommit: 200 } });
      await sim.run();
      return readWal(concat(...sim.nodes[0].wal.records.map((r) => encodeWalRecord({ ...r, time: r.time + start }))));
    };
    const YEAR = 365 * 86_400_000;
    const [a, b, c] = [await walAt(1, 1_600_000_000_000), await walAt(2, 1_600_000_000_000 + 2 * YEAR), await walAt(3, 1_600_000_000_100)];
    const first = (f: typeof a) => f.entries[0].record.time!;
    const merged = mergeWals([{ node: 'a', file: a }, { node: 'b', file: b }, { node: 'c', file: c }]);
    expect(merged.links).toBe(0);
    expect(merged.skew).toEqual({ a: 0, b: null, c: null });
    // b: two years later, drawn from a's start; c overlaps a, so its own clock is the better guess
    expect(merged.apart).toEqual({ a: null, b: first(b) - first(a), c: null });
    const startOf = (node: string) => merged.entries.find((e) => e.node === node)!.corrected;
    expect(startOf('b')).toBe(startOf('a'));
    expect(startOf('c')).toBe(first(c));
  });

  it('a v0.10 WAL opening with an untimed #ENDHEIGHT marker is dated by its first timed record, not 1970', () => {
    const v010 = readWal(new Uint8Array(readShared('fixtures/wal/tendermint-v0.10/many_blocks.cswal')));
    const comet = readWal(new Uint8Array(readShared('fixtures/wal/cometbft/v1.0-baseapp.wal')));
    expect(v010.entries[0].record).toMatchObject({ type: 'endHeight', time: null });
    const firstTimed = v010.entries[1].record.time!;
    const merged = mergeWals([{ node: 'c', file: comet }, { node: 'v', file: v010 }]);
    // years apart: drawn from the first file's start, every record of it within its own span (seconds), none decades off
    expect(merged.apart.v).toBe(firstTimed - comet.entries[0].record.time!);
    const own = merged.entries.filter((e) => e.node === 'v');
    expect(own[0].time).toBe(firstTimed);
    const span = Math.max(...own.map((e) => e.corrected)) - Math.min(...own.map((e) => e.corrected));
    expect(span).toBeLessThan(60_000);
  });
});
