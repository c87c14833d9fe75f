// Proposer selection against upstream TestProposerSelection1/2 and the derived vector; G-16 and
// the other update rules.
import { describe, expect, it } from 'vitest';
import { vectors } from '../../../test/shared.js';
import { MAX_TOTAL_VOTING_POWER } from '../types.js';
import { utf8 } from '../bytes.js';
import type { ValidatorSetError } from '../errors.js';
import type { ValidatorUpdate } from './validator-set.js';
import { ValidatorSet } from './validator-set.js';

const val = (address: Uint8Array, power: number | bigint): ValidatorUpdate => ({ address, pubKey: new Uint8Array(32).fill(address[address.length - 1] ?? 0), votingPower: BigInt(power) });
const addr = (i: number) => {
  const a = new Uint8Array(20);
  a[19] = i;
  return a;
};
const name = (set: ValidatorSet) => new TextDecoder().decode(set.getProposer().address);

function sequence(set: ValidatorSet, n: number, label: (s: ValidatorSet) => string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(label(set));
    set.incrementProposerPriority(1);
  }
  return out;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as ValidatorSetError).code;
  }
};

describe('ValidatorSet proposer priority', () => {
  const up = vectors.proposer_selection.upstream;

  it('TestProposerSelection1: foo/bar/baz for 99 rounds', () => {
    const set = ValidatorSet.create(up.TestProposerSelection1.validators.map((v: { address_utf8: string; power: number }) => val(utf8(v.address_utf8), v.power)));
    expect(sequence(set, 99, name)).toEqual(up.TestProposerSelection1.expected_sequence);
  });

  it('TestProposerSelection2: equal powers rotate in address order; 100/100/400 and 100/100/401; 4/5/3 over 120', () => {
    const idx = (s: ValidatorSet) => String(s.getProposer().address[19]);
    expect(sequence(ValidatorSet.create([val(addr(0), 100), val(addr(1), 100), val(addr(2), 100)]), 15, idx)).toEqual('012012012012012'.split(''));
    expect(sequence(ValidatorSet.create([val(addr(0), 100), val(addr(1), 100), val(addr(2), 400)]), 2, idx)).toEqual(['2', '0']);
    expect(sequence(ValidatorSet.create([val(addr(0), 100), val(addr(1), 100), val(addr(2), 401)]), 3, idx)).toEqual(['2', '2', '0']);
    const counts = [0, 0, 0];
    for (const p of sequence(ValidatorSet.create([val(addr(0), 4), val(addr(1), 5), val(addr(2), 3)]), 120, idx)) counts[Number(p)]++;
    expect(counts).toEqual([up.TestProposerSelection2.powers_4_5_3_over_120_rounds.addr0, 50, 30]);
  });

  it('derived: p1:1, p2:3', () => {
    const d = vectors.proposer_selection.derived;
    const set = ValidatorSet.create(d.validators.map((v: { address_utf8: string; power: number }) => val(utf8(v.address_utf8), v.power)));
    expect(sequence(set, 8, name)).toEqual(d.first_8_proposers);
  });

  it('I-03 a new validator enters at -1.125 × the total; priorities stay centred', () => {
    const set = ValidatorSet.create([val(addr(0), 10), val(addr(1), 10)]);
    set.updateWithChangeSet([val(addr(2), 20)]);
    const sum = set.validators.reduce((s, v) => s + v.proposerPriority, 0n);
    expect(sum >= -3n && sum <= 3n).toBe(true);
    expect(set.getByAddress(addr(2))!.validator.proposerPriority < 0n).toBe(true);
    expect(set.validators.map((v) => v.votingPower)).toEqual([20n, 10n, 10n]); // power desc, address asc
  });

  it('copies are independent and hash the same', () => {
    const set = ValidatorSet.create([val(addr(0), 10), val(addr(1), 10)]);
    const before = set.validators.map((v) => v.proposerPriority);
    const c = set.copy();
    c.incrementProposerPriority(1);
    expect(set.validators.map((v) => v.proposerPriority)).toEqual(before);
    expect(c.validators.map((v) => v.proposerPriority)).not.toEqual(before);
    expect(c.hash()).toEqual(set.hash()); // priorities are not hashed
  });
});

describe('G-16 voting-power overflow and invalid updates', () => {
  const max = 2n ** 63n - 1n;
  it('rejects powers and totals beyond MaxTotalVotingPower without wrapping', () => {
    expect(codeOf(() => ValidatorSet.create([val(addr(0), max), val(addr(1), max), val(addr(2), max)]))).toBe('ErrPowerTooBig');
    expect(codeOf(() => ValidatorSet.create([val(addr(0), MAX_TOTAL_VOTING_POWER), val(addr(1), 1)]))).toBe('ErrTotalVotingPowerOverflow');
    const set = ValidatorSet.create([val(addr(0), MAX_TOTAL_VOTING_POWER - 10n)]);
    expect(codeOf(() => set.updateWithChangeSet([val(addr(1), 11)]))).toBe('ErrTotalVotingPowerOverflow');
    expect(set.size).toBe(1);
  });

  it('rejects negative power, unknown removals, empty results and duplicates', () => {
    const set = ValidatorSet.create([val(addr(0), 10), val(addr(1), 10)]);
    expect(codeOf(() => set.updateWithChangeSet([val(addr(2), -1)]))).toBe('ErrNegativePower');
    expect(codeOf(() => set.updateWithChangeSet([val(addr(9), 0)]))).toBe('ErrUnknownValidator');
    expect(codeOf(() => set.updateWithChangeSet([val(addr(0), 0), val(addr(1), 0)]))).toBe('ErrEmptyValidatorSet');
    expect(codeOf(() => set.updateWithChangeSet([val(addr(2), 5), val(addr(2), 6)]))).toBe('ErrDuplicateUpdate');
    expect(set.size).toBe(2);
    set.updateWithChangeSet([val(addr(0), 0)]);
    expect(set.size).toBe(1);
    expect(set.totalVotingPower()).toBe(10n);
  });

  it('keeps its hash across copies and priority changes, and drops it only when keys or powers change', () => {
    const set = ValidatorSet.create([val(addr(0), 10), val(addr(1), 10)]);
    const copy = set.copy(); // copied before anything was hashed
    const h = set.hash();
    expect(copy.hash()).toBe(h); // one computation between them
    copy.incrementProposerPriority(3);
    copy.updateWithChangeSet([val(addr(1), 10)]); // the same power again
    expect(copy.hash()).toBe(h);
    copy.updateWithChangeSet([val(addr(1), 11)]);
    expect(copy.hash()).not.toEqual(h);
    expect(set.hash()).toBe(h);
    expect(ValidatorSet.fromValidators([...copy.validators]).hash()).toEqual(copy.hash());
  });
});
