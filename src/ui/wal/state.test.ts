// The WAL debugger's page state: one worker message at a time.
import { describe, expect, it } from 'vitest';
import type { WalSummary } from '../../core/wal/inspect.js';
import type { WalFileInfo } from '../../observe/wal-debugger.js';
import { EMPTY_WAL, reduceWal } from './state.js';
import type { WalState } from './state.js';

const summary: WalSummary = { format: 'cometbft', records: 3, byKind: { roundState: 3 }, heights: { min: 1, max: 1 }, maxRound: 0, endHeights: [], endHeightRestarts: 0, endHeightGaps: [], corruption: null, readableBytes: 90 };
const file: WalFileInfo = { id: 0, name: 'wal', size: 90, format: 'cometbft', summary, genesis: null, rounds: [{ height: 1, rounds: [0] }] };
const apply = (s: WalState, ...ms: Parameters<typeof reduceWal>[1][]) => ms.reduce((x, m) => ({ ...x, ...reduceWal(x, m) }), s);

describe('WAL debugger state', () => {
  it('follows a load: progress while busy, then the files; a genesis alone stays listed', () => {
    const genesis = [{ name: 'genesis.json', chainId: 'c', keys: 4, error: null }];
    let s = apply(EMPTY_WAL, { type: 'progress', phase: 'scan', name: 'wal', done: 10, total: 90 });
    expect(s).toMatchObject({ busy: true, progress: { done: 10 } });
    s = apply(s, { type: 'files', files: [], genesis, busy: false });
    expect(s).toMatchObject({ busy: false, progress: null, genesis, files: [] });
    s = apply(s, { type: 'files', files: [file], genesis, busy: false }, { type: 'diagnosis', file: 0, diagnosis: { height: 1 } as never });
    expect(s.files).toEqual([file]);
    expect(s.diagnosis[0]).toEqual({ height: 1 });
  });

  it('keeps the records around the position of the watched file only; a clear forgets all but a link', () => {
    const lines: Parameters<typeof reduceWal>[1] = { type: 'lines', file: 0, applied: 1, total: 3, lines: [] };
    let s = apply({ ...EMPTY_WAL, selected: 1, wanted: { files: ['wal'], at: 2 } }, lines);
    expect(s.lines).toBeNull();
    s = apply({ ...s, selected: 0 }, lines, { type: 'files', files: [], genesis: [], busy: false });
    expect(s).toEqual({ ...EMPTY_WAL, wanted: { files: ['wal'], at: 2 } });
  });
});
