// The kvstore application: app hash rule, transactions, and validator updates.
import { describe, expect, it } from 'vitest';
import { vectors } from '../../../test/shared.js';
import { toHex, utf8 } from '../bytes.js';
import { KVStoreApp, kvstoreAppHash, validatorTx } from './kvstore.js';

describe('kvstore', () => {
  it('app hash is the zigzag varint of the size in 8 bytes', () => {
    for (const [size, hex] of Object.entries(vectors.kvstore_app_hash_derived.cases)) expect(toHex(kvstoreAppHash(Number(size)))).toBe(hex);
  });

  it('applies key=value transactions and reports validator updates', () => {
    const app = new KVStoreApp();
    app.initChain({ validators: [] });
    const pub = new Uint8Array(32).fill(3);
    const res = app.finalizeBlock({ txs: [utf8('a=1'), utf8('b=2'), validatorTx(pub, 5n)], height: 1 });
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(res.validatorUpdates).toHaveLength(1);
    expect(res.validatorUpdates[0].power).toBe(5n);
    app.commit();
    expect(app.info().lastBlockHeight).toBe(1);
  });

  it('CheckTx refuses a tx that is not valid UTF-8 and ProcessProposal rejects a block holding one (issue 10 defect 1)', () => {
    const app = new KVStoreApp();
    app.initChain({ validators: [] });
    const bad = new Uint8Array([0x6b, 0x3d, 0xf4, 0x90, 0x80, 0x80]);
    expect(app.checkTx(bad)).toEqual({ code: 1, log: 'tx is not valid UTF-8' });
    expect(app.processProposal({ txs: [utf8('a=1'), bad] })).toBe(false);
    expect(app.finalizeBlock({ txs: [bad], height: 1 }).txResults[0].code).toBe(1);
  });
});
