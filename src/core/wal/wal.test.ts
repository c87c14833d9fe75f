// WAL readers against the real files in ../shared/fixtures, corruption reports, and our own
// records round-tripping through the CometBFT framing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { readShared, vectors } from '../../../test/shared.js';
import { concat, fromHex, toHex, utf8 } from '../bytes.js';
import { genesisValidatorKeys } from '../state/genesis-keys.js';
import { crc32c } from './crc32c.js';
import { decodeWalData, encodeWalRecord } from './record.js';
import type { WalRecord } from './record.js';
import { scanCometWal } from './scan.js';
import { readWal, summarizeWal, verifyWalSignatures } from './inspect.js';
import { CHECKPOINT_EVERY, MAX_REPLAY_VALIDATORS, WalReplay } from './replay.js';

const fixture = (name: string) => new Uint8Array(readShared(`fixtures/wal/${name}`));

describe('CometBFT WAL framing', () => {
  const w = vectors.wal_cometbft_derived;
  it('CRC-32C check value and the derived records', () => {
    expect(crc32c(utf8(w.crc32c_check.input_utf8)).toString(16)).toBe(w.crc32c_check.crc_hex);
    const time = Date.UTC(2017, 11, 25, 3, 0, 1, 234);
    const recs: WalRecord[] = [
      { type: 'endHeight', time, height: 0 },
      { type: 'endHeight', time, height: 7 },
      { type: 'timeout', time, timeout: { duration: 3000, height: 7, round: 1, step: 3 } },
    ];
    recs.forEach((r, i) => {
      expect(toHex(encodeWalRecord(r))).toBe(w.records[i].record_hex);
      expect(decodeWalData(fromHex(w.records[i].data_hex))).toEqual(r);
    });
  });
});

describe('real WAL files', () => {
  // counts by kind, read to the end with no corruption
  const expected: Record<string, Record<string, number>> = {
    'v0.34-beradevnet.wal': { endHeight: 110, timeout: 109, roundState: 544, Proposal: 109, BlockPart: 109, Vote: 218 },
    'v0.34-kvstore-a.wal': { endHeight: 323, timeout: 322, roundState: 1607, Proposal: 322, BlockPart: 322, Vote: 644 },
    'v0.34-kvstore-b.wal': { endHeight: 493, timeout: 492, roundState: 2456, Proposal: 492, BlockPart: 492, Vote: 984 },
    'v0.37-stuck-height1.wal': { endHeight: 1, timeout: 55, roundState: 1009, Proposal: 214, BlockPart: 214, Vote: 511 },
    'v1.0-baseapp.wal': { endHeight: 2, timeout: 3, roundState: 5, Proposal: 1, BlockPart: 1, Vote: 2 },
  };
  it.each(Object.keys(expected))('cometbft/%s reads to the end with the expected records', (name) => {
    const bytes = fixture(`cometbft/${name}`);
    const s = summarizeWal(readWal(bytes));
    expect(s.format).toBe('cometbft');
    expect(s.corruption).toBeNull();
    expect(s.readableBytes).toBe(bytes.length);
    expect(s.byKind).toEqual(expected[name]);
  });

  it('the restarted chain shows EndHeight going back; the stuck chain reaches round 44', () => {
    expect(summarizeWal(readWal(fixture('cometbft/v0.34-kvstore-b.wal'))).endHeightRestarts).toBeGreaterThan(0);
    expect(summarizeWal(readWal(fixture('cometbft/v0.37-stuck-height1.wal'))).maxRound).toBe(44);
  });

  it('truncated tail, flipped byte and appended garbage are reported at the right record and offset', () => {
    const bytes = fixture('cometbft/v1.0-baseapp.wal');
    const whole = scanCometWal(bytes);
    const last = whole.entries.at(-1)!;
    const cut = scanCometWal(bytes.subarray(0, bytes.length - 3));
    expect(cut.corruption).toMatchObject({ index: whole.entries.length - 1, offset: last.offset });
    expect(cut.corruption!.reason).toMatch(/truncated record/);
    expect(cut.entries).toHaveLength(whole.entries.length - 1);

    const flipped = bytes.slice();
    const victim = whole.entries[5];
    flipped[victim.offset + 12] ^= 0x40;
    const f = scanCometWal(flipped);
    expect(f.corruption).toMatchObject({ index: 5, offset: victim.offset });
    expect(f.corruption!.reason).toMatch(/checksum mismatch/);
    expect(f.goodLength).toBe(victim.offset);

    const garbage = scanCometWal(concat(bytes, utf8('garbage after the last record')));
    expect(garbage.corruption).toMatchObject({ index: whole.entries.length, offset: bytes.length });
    expect(garbage.entries).toHaveLength(whole.entries.length);
  });

  it('property: any damage is reported, never thrown, and everything before it reads as in the original', () => {
    const bytes = fixture('cometbft/v0.37-stuck-height1.wal');
    const whole = scanCometWal(bytes);
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(bytes.length - 1), mask: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(bytes.length - 1) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(bytes.length - 1), junk: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    );
    fc.assert(
      fc.property(damage, (d) => {
        const damaged = d.kind === 'flip' ? Object.assign(bytes.slice(), { [d.at]: bytes[d.at] ^ d.mask }) : d.kind === 'cut' ? bytes.slice(0, d.at) : concat(bytes.subarray(0, d.at), d.junk, bytes.subarray(d.at));
        const scan = scanCometWal(damaged);
        // the first record touched by the damage is where reading stops (or later, if the damage
        // happens to leave a valid record, e.g. a cut exactly between two records)
        const firstTouched = whole.entries.findIndex((e) => e.offset + e.size > d.at);
        expect(scan.entries.length).toBeGreaterThanOrEqual(firstTouched === -1 ? whole.entries.length : firstTouched);
        const intact = Math.min(scan.entries.length, firstTouched === -1 ? Infinity : firstTouched);
        expect(scan.entries.slice(0, intact).map((e) => [e.offset, e.size])).toEqual(whole.entries.slice(0, intact).map((e) => [e.offset, e.size]));
        if (scan.corruption) {
          expect(scan.corruption.offset).toBe(scan.goodLength);
          expect(scan.corruption.index).toBe(scan.entries.length);
        } else expect(scan.goodLength).toBe(damaged.length);
        expect(() => readWal(damaged)).not.toThrow();
      }),
      propConfig(100),
    );
  }, 60_000);

  it('property: a damaged Tendermint v0.10 JSON-lines WAL is read up to the damaged line, never thrown', () => {
    const bytes = fixture('tendermint-v0.10/small_block1.cswal');
    const whole = readWal(bytes);
    expect(whole.corruption).toBeNull();
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const damaged = Object.assign(bytes.slice(), { [at]: bytes[at] ^ mask });
        const scan = readWal(damaged);
        if (at === 0) return; // the first byte decides the format: anything may follow, but no throw
        expect(scan.format).toBe('tendermint-v0.10');
        // lines that end before the damaged byte read exactly as before
        const intact = whole.entries.filter((e) => bytes.indexOf(0x0a, e.offset) < at).length;
        expect(scan.entries.length).toBeGreaterThanOrEqual(intact);
        expect(scan.entries.slice(0, intact).map((e) => e.offset)).toEqual(whole.entries.slice(0, intact).map((e) => e.offset));
        if (scan.corruption) expect(scan.corruption.offset).toBe(scan.goodLength);
      }),
      propConfig(200),
    );
  });

  it('the v0.37 genesis key verifies its own validator’s votes; the beradevnet key comes from gen_txs', () => {
    const stuck = genesisValidatorKeys(readShared('fixtures/wal/cometbft/v0.37-stuck-height1.genesis.json').toString());
    const r = verifyWalSignatures(readWal(fixture('cometbft/v0.37-stuck-height1.wal')), stuck.chainId!, stuck.keys.map((k) => k.pubKey));
    const [addr, counts] = Object.entries(r.byValidator)[0];
    expect(addr).toBe('AFF04D2F55237357F5DDA26DD0B825F4108F8A2D');
    expect(counts.votes.valid).toBeGreaterThan(0);
    expect(counts.votes.invalid).toBe(0);
    expect(r.unknownKeyVotes).toBeGreaterThan(0); // votes of validators the genesis does not list
    const bera = genesisValidatorKeys(readShared('fixtures/wal/cometbft/v0.34-beradevnet.genesis.json').toString());
    expect(bera.keys.map((k) => k.source)).toEqual(['gen_txs']);
    const b = verifyWalSignatures(readWal(fixture('cometbft/v0.34-beradevnet.wal')), bera.chainId!, bera.keys.map((k) => k.pubKey));
    const only = Object.values(b.byValidator)[0];
    expect(only.votes).toEqual({ valid: 218, invalid: 0 });
    expect(only.proposals.valid).toBe(109);
  });

  const v010: Record<string, number> = { 'empty_block.cswal': 10, 'many_blocks.cswal': 65, 'small_block1.cswal': 10, 'small_block2.cswal': 15 };
  it.each(Object.keys(v010))('tendermint-v0.10/%s reads and its signatures verify with the README key', (name) => {
    const file = readWal(fixture(`tendermint-v0.10/${name}`));
    expect(file.format).toBe('tendermint-v0.10');
    expect(file.corruption).toBeNull();
    expect(file.entries.length).toBe(v010[name]);
    const t = vectors.tendermint_v0_10_canonical_json;
    const r = verifyWalSignatures(file, t.chain_id, [fromHex(t.pubkey_hex)]);
    const c = r.byValidator[t.address_hex];
    expect(c.votes.invalid).toBe(0);
    expect(c.votes.valid).toBeGreaterThan(0);
    expect(r.unverifiedProposals).toBe(0);
    expect(r.unknownKeyVotes).toBe(0);
  });
});

describe('replay console model', () => {
  it('steps forward and back over typed records, keeping plain state', () => {
    const file = readWal(fixture('cometbft/v0.37-stuck-height1.wal'));
    const r = new WalReplay(file);
    expect(r.next(20)).toBe(20);
    expect(r.state).toMatchObject({ height: 1, round: 1, step: 'RoundStepPropose' });
    const pc0 = r.state.votes.find((v) => v.round === 0 && v.type === 2)!;
    expect(pc0.byBlock).toEqual([{ block: '', voters: [0] }]);
    expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state); // JSON-safe
    r.back(5);
    expect(r.state.applied).toBe(15);
    expect(r.state).toMatchObject({ height: 1, round: 0, step: 'RoundStepPrecommit' });
    expect(r.next(1_000_000)).toBe(r.total - 15);
  });

  it('seeking anywhere gives the same state as replaying from the start (checkpoints)', () => {
    const file = readWal(fixture('cometbft/v0.34-kvstore-a.wal'));
    const r = new WalReplay(file);
    r.next(r.total);
    for (const k of [0, 1, CHECKPOINT_EVERY - 1, CHECKPOINT_EVERY, CHECKPOINT_EVERY + 7, Math.floor(r.total / 2), r.total - 1, r.total]) {
      r.seek(k);
      const fresh = new WalReplay(file);
      fresh.next(k);
      expect(r.state).toEqual(fresh.state);
    }
    r.seek(3);
    r.next(CHECKPOINT_EVERY * 2);
    const fresh = new WalReplay(file);
    fresh.next(3 + CHECKPOINT_EVERY * 2);
    expect(r.state).toEqual(fresh.state);
  });

  it('a hostile validator index is reported, not allocated', () => {
    const file = readWal(fixture('cometbft/v0.37-stuck-height1.wal'));
    const i = file.entries.findIndex((e) => e.record.type === 'msgInfo' && e.record.msg.kind === 'Vote');
    const e = file.entries[i].record as Extract<WalRecord, { type: 'msgInfo' }>;
    const vote = (e.msg as { kind: 'Vote'; vote: { validatorIndex: number } }).vote;
    vote.validatorIndex = 2 ** 31 - 2;
    const r = new WalReplay(file);
    r.next(r.total);
    r.seek(i + 1);
    expect(r.state.bitArraySize).toBeLessThanOrEqual(MAX_REPLAY_VALIDATORS);
    expect(r.state.outOfRange).toContainEqual(expect.objectContaining({ index: 2 ** 31 - 2 }));
    const capped = new WalReplay(file, 4);
    capped.seek(i + 1);
    expect(capped.state.bitArraySize).toBe(4);
  });
});
