// Downtime: a validator that joined after genesis and is missing from K commits in a row is
// removed by a `val:<pubkey>!0` transaction, which the hub submits (issue 13: a browser tab that
// closed must not hold power forever). The genesis validators are never removed this way: they
// keep the chain live by themselves (the kvstore refuses updates that would take that away).
import type { Bytes, Commit } from '../core/types.js';
import { BlockIDFlag } from '../core/types.js';
import { toHex } from '../core/bytes.js';
import type { ValidatorSet } from '../core/validators/validator-set.js';

export class DowntimeWatcher {
  /** Commits in a row each validator is missing from, by hex public key. */
  private readonly missed = new Map<string, number>();
  /** Removals already asked for (not asked again while the validator is still in the set). */
  private readonly asked = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly genesisKeys: ReadonlySet<string>,
  ) {}

  /** A commit and the set that signed it; returns the public keys to remove now. */
  observe(commit: Commit, validators: ValidatorSet): Bytes[] {
    const out: Bytes[] = [];
    const present = new Set<string>();
    validators.validators.forEach((v, i) => {
      const key = toHex(v.pubKey);
      present.add(key);
      if (this.genesisKeys.has(key)) return;
      const signed = commit.signatures[i]?.blockIdFlag === BlockIDFlag.Commit;
      const n = signed ? 0 : (this.missed.get(key) ?? 0) + 1;
      this.missed.set(key, n);
      if (n >= this.limit && !this.asked.has(key)) {
        this.asked.add(key);
        out.push(v.pubKey);
      }
    });
    // gone from the set: forget it (if it joins again it starts afresh)
    for (const key of [...this.missed.keys()]) if (!present.has(key)) this.missed.delete(key);
    for (const key of [...this.asked]) if (!present.has(key)) this.asked.delete(key);
    return out;
  }
}
