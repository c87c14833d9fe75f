// The mempool reactor on 0x30: garbage drops the peer; a tx goes to every peer but its sender, once.
import { describe, expect, it } from 'vitest';
import { KVStoreApp } from '../core/app/kvstore.js';
import { decodeMempoolMessage, encodeMempoolMessage } from '../core/encoding/mempool.js';
import { Mempool } from './mempool.js';
import { MEMPOOL_CHANNEL_ID, MempoolReactor } from './mempool-reactor.js';
import type { PeerTransport } from './switch.js';
import { Switch } from './switch.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function setup(opts: { refuseSends?: boolean } = {}) {
  const sent: { peer: string; txs: string[] }[] = [];
  const disconnected: { peer: string; reason: string }[] = [];
  const timers: (() => void)[] = [];
  let refuse = opts.refuseSends ?? false;
  const transport: PeerTransport = {
    send: (peer, channel, bytes) => {
      expect(channel).toBe(MEMPOOL_CHANNEL_ID);
      if (refuse) return false;
      sent.push({ peer, txs: decodeMempoolMessage(bytes).txs.map(dec) });
      return true;
    },
    disconnect: (peer, reason) => disconnected.push({ peer, reason }),
  };
  const sw = new Switch(transport);
  const mempool = new Mempool(new KVStoreApp());
  let checks = 0;
  const reactor = new MempoolReactor(
    {
      submitTx: (tx) => {
        checks++;
        const err = mempool.add(tx);
        if (!err) reactor.txAccepted(tx);
        return err;
      },
      pendingTxs: () => mempool.reap(Number.MAX_SAFE_INTEGER),
    },
    sw,
    { after: (_ms, fn) => (timers.push(fn), { cancel: () => undefined }) },
    { maxQueuedTxs: 3 },
  );
  sw.addReactor(reactor);
  for (const p of ['a', 'b', 'c']) sw.peerConnected(p);
  const recv = (peer: string, txs: string[]) => sw.receive(peer, MEMPOOL_CHANNEL_ID, encodeMempoolMessage({ kind: 'Txs', txs: txs.map(utf8) }));
  return { sw, reactor, mempool, sent, disconnected, timers, recv, checks: () => checks, setRefuse: (r: boolean) => (refuse = r) };
}

describe('MempoolReactor', () => {
  it('drops a peer that sends garbage on 0x30, and keeps the others', () => {
    const t = setup();
    t.sw.receive('a', MEMPOOL_CHANNEL_ID, new Uint8Array([0xff, 0x01, 0x02]));
    expect(t.disconnected.map((d) => d.peer)).toEqual(['a']);
    expect(t.disconnected[0].reason).toMatch(/malformed message on channel 0x30/);
    expect(t.sw.peers().sort()).toEqual(['b', 'c']);
    // an empty tx list is malformed too
    t.sw.receive('b', MEMPOOL_CHANNEL_ID, new Uint8Array([0x0a, 0x00]));
    expect(t.sw.peers()).toEqual(['c']);
    expect(t.mempool.size).toBe(0);
  });

  it('gossips a peer tx to every other peer, never back to its sender, and checks it once', () => {
    const t = setup();
    t.recv('a', ['k1=v1']);
    expect(t.mempool.size).toBe(1);
    expect(t.sent).toEqual([
      { peer: 'b', txs: ['k1=v1'] },
      { peer: 'c', txs: ['k1=v1'] },
    ]);
    // the same tx again from b (which got it from us) and from a: no new check, no new send
    t.recv('b', ['k1=v1']);
    t.recv('a', ['k1=v1']);
    expect(t.checks()).toBe(1);
    expect(t.sent.length).toBe(2);
    // a tx CheckTx refuses is not gossiped, and not checked again
    t.recv('a', ['not a kv tx']);
    t.recv('b', ['not a kv tx']);
    expect(t.checks()).toBe(2);
    expect(t.sent.length).toBe(2);
  });

  it('gossips a local tx to every peer, and a peer that connects later gets the mempool', () => {
    const t = setup();
    t.mempool.add(utf8('k2=v2'));
    t.reactor.txAccepted(utf8('k2=v2'));
    expect(t.sent.map((s) => s.peer).sort()).toEqual(['a', 'b', 'c']);
    t.sw.peerConnected('d');
    expect(t.sent.at(-1)).toEqual({ peer: 'd', txs: ['k2=v2'] });
  });

  it('honours a refused send: a bounded queue, retried later in one message', () => {
    const t = setup({ refuseSends: true });
    for (let i = 0; i < 5; i++) t.recv('a', [`k${i}=v${i}`]);
    expect(t.sent.length).toBe(0);
    expect(t.reactor.stats.dropped).toBe(4); // 2 txs over the queue of 3, for each of b and c
    t.setRefuse(false);
    t.timers.forEach((f) => f());
    expect(t.sent).toEqual([
      { peer: 'b', txs: ['k0=v0', 'k1=v1', 'k2=v2'] },
      { peer: 'c', txs: ['k0=v0', 'k1=v1', 'k2=v2'] },
    ]);
  });
});
