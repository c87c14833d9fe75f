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

  it('refuses a validator update that would leave the genesis validators with 2/3 of the power or less', () => {
    const app = new KVStoreApp();
    const genesis = [1, 2, 3, 4].map((i) => ({ pubKey: new Uint8Array(32).fill(i), power: 10n }));
    app.initChain({ validators: genesis });
    const tab = (i: number) => new Uint8Array(32).fill(100 + i);
    // 40 genesis power: newcomers may hold up to 19 together (40 * 3 > 59 * 2)
    const res = app.finalizeBlock({ txs: [validatorTx(tab(1), 10n), validatorTx(tab(2), 9n), validatorTx(tab(3), 1n), validatorTx(genesis[0].pubKey, 0n)], height: 1 });
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0, 3, 3]);
    expect(res.validatorUpdates.map((u) => u.power)).toEqual([10n, 9n]);
    app.commit();
    // CheckTx already refuses what FinalizeBlock would, against the committed set
    expect(app.checkTx(validatorTx(tab(3), 1n)).code).toBe(3);
    expect(app.checkTx(validatorTx(tab(1), 0n)).code).toBe(0);
    // leaving is always allowed; then there is room again
    const next = app.finalizeBlock({ txs: [validatorTx(tab(1), 0n), validatorTx(tab(3), 1n)], height: 2 });
    expect(next.txResults.map((r) => r.code)).toEqual([0, 0]);
  });

  it('a nonce makes a repeated update a new tx with the same effect (a tab joins again after its removal)', () => {
    const app = new KVStoreApp();
    app.initChain({ validators: [1, 2, 3, 4].map((i) => ({ pubKey: new Uint8Array(32).fill(i), power: 10n })) });
    const tab = new Uint8Array(32).fill(7);
    const [first, again] = [validatorTx(tab, 1n, 12), validatorTx(tab, 1n, 40)];
    expect(toHex(first)).not.toBe(toHex(again));
    expect(new TextDecoder().decode(first)).toMatch(/^val:[A-Za-z0-9+/=]+!1!12$/);
    const res = app.finalizeBlock({ txs: [first, validatorTx(tab, 0n, 20), again], height: 1 });
    expect(res.txResults.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(res.validatorUpdates.map((u) => u.power)).toEqual([1n, 0n, 1n]); // in order: joined, removed, joined again
    expect(app.checkTx(utf8(`${new TextDecoder().decode(first)}x`)).code).not.toBe(0);
  });
});
