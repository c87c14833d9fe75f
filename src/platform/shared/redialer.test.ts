// Persistent peers: exponential backoff with a cap, a reset on connecting, no dials once stopped.
import { describe, expect, it } from 'vitest';
import { peerIdOfAddr, Redialer } from './redialer.js';

const addr = '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWabc';

describe('Redialer', () => {
  it('backs off exponentially up to the cap, jittered into [½, 1) of it', () => {
    const r = new Redialer([], { initialMs: 100, maxMs: 1000 }, async () => undefined);
    expect([0, 1, 2, 3, 4, 10].map((n) => r.delay(n, 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(r.delay(2, 0)).toBe(200);
  });

  it('needs the peer id in the address', () => {
    expect(peerIdOfAddr(addr)).toBe('12D3KooWabc');
    expect(() => new Redialer(['/ip4/127.0.0.1/tcp/1'], {}, async () => undefined)).toThrow(/p2p/);
  });

  it('redials a failing peer until it connects, then only after it is lost; never after stop', async () => {
    let dials = 0;
    const r = new Redialer([addr], { initialMs: 5, maxMs: 20 }, async () => {
      dials++;
      if (dials < 3) throw new Error('refused');
    });
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(dials).toBe(3);
    r.connected('12D3KooWabc');
    r.lost('12D3KooWabc');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(dials).toBe(4);
    r.connected('12D3KooWabc');
    r.stop();
    r.lost('12D3KooWabc');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(dials).toBe(4);
  });
});
