// Dropped files and pasted text as WALs: a rotated CometBFT group joins oldest chunk first; hex and
// base64 pastes decode to the same bytes; what is neither is refused with a reason.
import { describe, expect, it } from 'vitest';
import { readShared } from '../../test/shared.js';
import { readWal, summarizeWal } from '../core/wal/inspect.js';
import { toBase64, toHex } from '../core/bytes.js';
import { decodePasted, groupDropped } from './wal-input.js';

const fixture = new Uint8Array(readShared('fixtures/wal/cometbft/v0.34-kvstore-a.wal'));

describe('WAL input', () => {
  it('joins a rotated group (wal.000, wal.001, wal) in order, and keeps a genesis aside', () => {
    const file = readWal(fixture);
    const cut = [file.entries[10].offset, file.entries[40].offset];
    const parts = [fixture.subarray(0, cut[0]), fixture.subarray(cut[0], cut[1]), fixture.subarray(cut[1])];
    const { wals, genesis } = groupDropped([
      { name: 'wal', bytes: parts[2] },
      { name: 'wal.001', bytes: parts[1] },
      { name: 'wal.000', bytes: parts[0] },
      { name: 'genesis.json', bytes: new TextEncoder().encode('{"chain_id":"x"}') },
    ]);
    expect(wals.map((w) => w.name)).toEqual(['wal (3 files)']);
    expect(wals[0].bytes).toEqual(fixture);
    expect(summarizeWal(readWal(wals[0].bytes))).toEqual(summarizeWal(file));
    expect(genesis.map((g) => g.name)).toEqual(['genesis.json']);
  });

  it('decodes pasted hex and base64, keeps JSON lines as text, refuses the rest', () => {
    const small = fixture.subarray(0, 500);
    expect(decodePasted(toHex(small))).toEqual({ bytes: small });
    expect(decodePasted(`0x${toHex(small).toUpperCase().replace(/(.{64})/g, '$1\n')}`)).toEqual({ bytes: small });
    expect(decodePasted(toBase64(small))).toEqual({ bytes: small });
    expect(decodePasted('{"time":"2017-01-01T00:00:00Z","msg":[1,{}]}\n')).toHaveProperty('bytes');
    expect(decodePasted('abc')).toEqual({ error: 'the hex text has an odd number of digits (3)' });
    expect(decodePasted('   ')).toEqual({ error: 'nothing was pasted' });
    expect(decodePasted('hello, world!')).toHaveProperty('error');
  });
});
