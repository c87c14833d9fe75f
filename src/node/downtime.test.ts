// DowntimeWatcher: a later validator missing from K commits in a row is named once; a signature
// resets its count; genesis validators are never named.
import { describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes.js';
import type { Commit } from '../core/types.js';
import { BlockIDFlag } from '../core/types.js';
import { ValidatorSet } from '../core/validators/validator-set.js';
import { nilBlockId } from '../core/blockid.js';
import { DowntimeWatcher } from './downtime.js';

const val = (i: number) => ({ address: new Uint8Array(20).fill(i), pubKey: new Uint8Array(32).fill(i), votingPower: 10n, proposerPriority: 0n });
const set = ValidatorSet.fromValidators([1, 2, 3].map(val));
const commit = (signers: number[]): Commit => ({
  height: 1,
  round: 0,
  blockId: nilBlockId(),
  signatures: set.validators.map((v) => ({
    blockIdFlag: signers.includes(v.pubKey[0]) ? BlockIDFlag.Commit : BlockIDFlag.Absent,
    validatorAddress: v.address,
    timestamp: { seconds: 0, nanos: 0 },
    signature: new Uint8Array(64),
  })),
});

describe('DowntimeWatcher', () => {
  it('names a later validator after K missed commits in a row, once; never a genesis one', () => {
    const w = new DowntimeWatcher(3, new Set([toHex(val(1).pubKey), toHex(val(2).pubKey)]));
    expect(w.observe(commit([]), set)).toEqual([]);
    expect(w.observe(commit([3]), set)).toEqual([]); // signed: the count starts again
    expect(w.observe(commit([1]), set)).toEqual([]);
    expect(w.observe(commit([1]), set)).toEqual([]);
    expect(w.observe(commit([1]), set).map((k) => k[0])).toEqual([3]);
    expect(w.observe(commit([1]), set)).toEqual([]); // asked already
    // removed from the set, then back: it starts afresh
    const without = ValidatorSet.fromValidators([1, 2].map(val));
    w.observe({ ...commit([1]), signatures: commit([1]).signatures.slice(0, 2) }, without);
    expect(w.observe(commit([1]), set)).toEqual([]);
  });
});
