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

  it('keeps within its limits: tx size, count and total bytes; empty txs are refused', () => {
    const pool = new Mempool(new KVStoreApp(), 3, 20, 10);
    expect(pool.add(new Uint8Array(0))).toBe('tx is empty');
    expect(pool.add(utf8('k=0123456789'))).toBe('tx of 12 bytes exceeds 10');
    expect(pool.add(utf8('a=12345'))).toBeNull();
    expect(pool.add(utf8('b=12345'))).toBeNull();
    expect(pool.add(utf8('c=12345'))).toBe('mempool is full (bytes)');
    expect(pool.add(utf8('c=1'))).toBeNull();
    expect(pool.add(utf8('d=1'))).toBe('mempool is full');
    expect([pool.size, pool.bytes]).toEqual([3, 17]);
    pool.update([utf8('a=12345'), utf8('zz=not-held')]);
    expect([pool.size, pool.bytes]).toEqual([2, 10]);
  });

  it('refuses a tx it saw committed (a late gossiped copy must not be proposed twice)', () => {
    const pool = new Mempool(new KVStoreApp());
    pool.update([utf8('a=1')]);
    expect(pool.add(utf8('a=1'))).toBe('tx already committed');
    expect(pool.add(utf8('a=2'))).toBeNull();
  });
});
