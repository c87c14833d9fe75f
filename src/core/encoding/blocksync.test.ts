// Block sync messages: each kind round-trips; CometBFT's bytes for the small ones are as the
// proto schema says; bad input is a typed DecodeError before anything is kept.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../errors.js';
import { decodeBlocksyncMessage, encodeBlocksyncMessage, MAX_BLOCKSYNC_MSG_BYTES } from './blocksync.js';
import { encodeBlock } from './codec.js';
import { Simulation } from '../../sim/simulation.js';

describe('block sync messages', () => {
  it('encode as the schema says and decode back', () => {
    expect([...encodeBlocksyncMessage({ kind: 'BlockRequest', height: 5 })]).toEqual([0x0a, 0x02, 0x08, 0x05]);
    expect([...encodeBlocksyncMessage({ kind: 'StatusRequest' })]).toEqual([0x22, 0x00]);
    expect([...encodeBlocksyncMessage({ kind: 'StatusResponse', height: 300, base: 1 })]).toEqual([0x2a, 0x05, 0x08, 0xac, 0x02, 0x10, 0x01]);
    for (const m of [{ kind: 'BlockRequest', height: 5 }, { kind: 'NoBlockResponse', height: 0 }, { kind: 'StatusRequest' }, { kind: 'StatusResponse', height: 300, base: 2 }] as const) {
      expect(decodeBlocksyncMessage(encodeBlocksyncMessage(m))).toEqual(m);
    }
  });

  it('a BlockResponse carries the exact block bytes', async () => {
    const sim = new Simulation({ validators: 4, heights: 2, seed: 3, txsPerHeight: 2 });
    await sim.run();
    const bytes = encodeBlock(sim.nodes[0].blockStore.loadBlock(2)!);
    const got = decodeBlocksyncMessage(encodeBlocksyncMessage({ kind: 'BlockResponse', blockBytes: bytes }));
    expect(got.kind).toBe('BlockResponse');
    if (got.kind !== 'BlockResponse') return;
    expect(got.blockBytes).toEqual(bytes);
    expect(encodeBlock(got.block)).toEqual(bytes);
  });

  it('refuses no kind, two kinds, negative heights, base above height and oversize input', () => {
    const bad = [
      new Uint8Array([]),
      new Uint8Array([0x22, 0x00, 0x0a, 0x00]),
      encodeBlocksyncMessage({ kind: 'BlockRequest', height: -1 }),
      new Uint8Array([0x2a, 0x04, 0x08, 0x01, 0x10, 0x05]),
      new Uint8Array([0x1a, 0x00]),
      new Uint8Array(MAX_BLOCKSYNC_MSG_BYTES + 1),
    ];
    for (const b of bad) expect(() => decodeBlocksyncMessage(b), `${[...b.slice(0, 8)]}`).toThrow(DecodeError);
  });
});
