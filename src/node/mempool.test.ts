// The mempool takes transactions from peers: an application that throws on one only refuses it.
import { describe, expect, it } from 'vitest';
import { KVStoreApp } from '../core/app/kvstore.js';
import { utf8 } from '../core/bytes.js';
import { Mempool } from './mempool.js';

describe('Mempool', () => {
  it('refuses what CheckTx refuses or throws on, keeps the rest, and reaps in order', () => {
    const app = new KVStoreApp();
    const pool = new Mempool(app);
    expect(pool.add(new Uint8Array([0x6b, 0x3d, 0xf4, 0x90, 0x80, 0x80]))).toBe('tx is not valid UTF-8');
    expect(pool.add(utf8('a=1'))).toBeNull();
    expect(pool.add(utf8('a=1'))).toBe('tx already in mempool');
    app.checkTx = () => {
      throw new TypeError('boom');
    };
    expect(pool.add(utf8('b=2'))).toBe('CheckTx threw: boom');
    expect(pool.reap(100).map((t) => new TextDecoder().decode(t))).toEqual(['a=1']);
  });
});
