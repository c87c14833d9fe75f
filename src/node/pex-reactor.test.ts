// Peer exchange on 0x00: the codec and its limits, answers, the rate limit, dialling up to the target.
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../core/errors.js';
import { BinaryWriter, L } from '../core/encoding/proto.js';
import { VirtualClock } from '../sim/clock.js';
import type { Discovery, PexReactorOptions } from './pex-reactor.js';
import { decodePexMessage, encodePexMessage, MAX_MULTIADDR_LENGTH, MAX_PEX_ADDRS, MAX_PEX_MSG_BYTES, PEX_CHANNEL_ID, PexReactor } from './pex-reactor.js';
import type { PeerTransport } from './switch.js';
import { Switch } from './switch.js';

const id = (n: number) => `12D3KooWPeer${n}`;
const addr = (n: number) => `/ip4/127.0.0.1/tcp/${30000 + n}/p2p/${id(n)}`;
const flush = () => new Promise((r) => setImmediate(r));

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
  throw new Error('no error');
}

/** One NetAddress as a peer might write it, including fields we never send. */
function netAddress(fields: { id?: string; ip?: string; port?: number; multiaddr?: string }): Uint8Array {
  const w = new BinaryWriter();
  if (fields.id !== undefined) w.tag(1, L).string(fields.id);
  if (fields.ip !== undefined) w.tag(2, L).string(fields.ip);
  if (fields.port !== undefined) w.tag(3, 0).uint32(fields.port);
  if (fields.multiaddr !== undefined) w.tag(4, L).string(fields.multiaddr);
  return w.finish();
}

const pexAddrs = (entries: Uint8Array[]) => {
  const w = new BinaryWriter().tag(2, L).fork();
  for (const e of entries) w.tag(1, L).bytes(e);
  return w.join().finish();
};

function setup(o: PexReactorOptions & { dialable?: (a: string) => boolean; announce?: boolean } = {}) {
  const clock = new VirtualClock(1_000_000);
  const sent: { peer: string; kind: string; addrs: string[] }[] = [];
  const stopped: { peer: string; reason: string }[] = [];
  const dials: string[] = [];
  const connected = new Set<string>();
  const transport: PeerTransport = {
    send: (peer, channel, bytes) => {
      expect(channel).toBe(PEX_CHANNEL_ID);
      const m = decodePexMessage(bytes);
      sent.push({ peer, kind: m.kind, addrs: m.kind === 'PexAddrs' ? m.addrs : [] });
      return true;
    },
    disconnect: (peer, reason) => {
      stopped.push({ peer, reason });
      connected.delete(peer);
    },
  };
  const sw = new Switch(transport);
  const connect = (peer: string) => {
    connected.add(peer);
    sw.peerConnected(peer);
  };
  const discovery: Discovery = {
    selfId: id(0),
    addrsOf: (peer) => [addr(Number(peer.replace(id(0).slice(0, -1), '')))],
    dial: async (a) => {
      dials.push(a);
      if (o.dialable && !o.dialable(a)) throw new Error('refused');
      // the transport announces a dialled peer to the switch (unless the peer refuses us: full)
      if (o.announce !== false) setImmediate(() => connect(/\/p2p\/(.+)$/.exec(a)![1]));
    },
    connectedCount: () => connected.size,
  };
  const pex = new PexReactor(discovery, sw, clock, { random: () => 0.5, ...o });
  sw.addReactor(pex);
  pex.start();
  const advance = (ms: number) => {
    let done = false;
    clock.after(ms, () => (done = true));
    while (!done) clock.fireNext();
  };
  const recv = (peer: string, msg: Parameters<typeof encodePexMessage>[0]) => sw.receive(peer, PEX_CHANNEL_ID, encodePexMessage(msg));
  return { clock, sw, pex, sent, stopped, dials, connected, connect, advance, recv };
}

describe('PEX codec', () => {
  it('round-trips both messages; a request is CometBFT’s Message{pex_request: {}}', () => {
    expect([...encodePexMessage({ kind: 'PexRequest' })]).toEqual([0x0a, 0x00]);
    expect(decodePexMessage(Uint8Array.of(0x0a, 0x00))).toEqual({ kind: 'PexRequest' });
    const addrs = [addr(1), `/ip4/127.0.0.1/tcp/8082/ws/p2p/${id(9)}/p2p-circuit/webrtc/p2p/${id(2)}`];
    expect(decodePexMessage(encodePexMessage({ kind: 'PexAddrs', addrs }))).toEqual({ kind: 'PexAddrs', addrs });
    expect(decodePexMessage(encodePexMessage({ kind: 'PexAddrs', addrs: [] }))).toEqual({ kind: 'PexAddrs', addrs: [] });
    // CometBFT's ip and port, and unknown fields, are read past
    const withIp = pexAddrs([netAddress({ id: id(3), ip: '10.0.0.3', port: 26656, multiaddr: addr(3) })]);
    expect(decodePexMessage(withIp)).toEqual({ kind: 'PexAddrs', addrs: [addr(3)] });
  });

  it('refuses bad bytes with typed errors, limits checked before anything is decoded', () => {
    expect(decodeError(() => decodePexMessage(Uint8Array.of(0xff, 0x01))).code).toBe('ErrMalformed');
    expect(decodeError(() => decodePexMessage(new Uint8Array(0))).code).toBe('ErrUnknownMessage');
    expect(decodeError(() => decodePexMessage(Uint8Array.of(0x0a, 0x00, 0x12, 0x00))).code).toBe('ErrTwoKinds');
    expect(decodeError(() => decodePexMessage(new Uint8Array(MAX_PEX_MSG_BYTES + 1))).code).toBe('ErrMsgTooBig');
    const tooMany = pexAddrs(Array.from({ length: MAX_PEX_ADDRS + 1 }, (_, i) => netAddress({ id: id(i), multiaddr: addr(i) })));
    expect(decodeError(() => decodePexMessage(tooMany)).code).toBe('ErrTooManyAddrs');
    const long = `/dns4/${'a'.repeat(MAX_MULTIADDR_LENGTH)}/tcp/1/p2p/${id(1)}`;
    expect(decodeError(() => decodePexMessage(pexAddrs([netAddress({ id: id(1), multiaddr: long })]))).code).toBe('ErrFieldTooLong');
    // the id must be the one the address ends with, and the address a multiaddr
    expect(decodeError(() => decodePexMessage(pexAddrs([netAddress({ id: id(2), multiaddr: addr(1) })]))).code).toBe('ErrBadAddress');
    expect(decodeError(() => decodePexMessage(pexAddrs([netAddress({ id: id(1), ip: '1.2.3.4', port: 1 })]))).code).toBe('ErrBadAddress');
    expect(decodeError(() => decodePexMessage(pexAddrs([netAddress({ id: id(1), multiaddr: `/ip4/1.2.3.4/tcp/1 /p2p/${id(1)}` })]))).code).toBe('ErrBadAddress');
    const badUtf8 = new BinaryWriter().tag(1, L).bytes(Uint8Array.of(0xc3, 0x28)).finish();
    expect(decodeError(() => decodePexMessage(pexAddrs([badUtf8]))).code).toBe('ErrBadString');
    expect(() => encodePexMessage({ kind: 'PexAddrs', addrs: ['/ip4/1.2.3.4/tcp/1'] })).toThrow(RangeError);
  });
});

describe('PexReactor', () => {
  it('asks a new peer at once, answers with the other peers’ addresses, and drops garbage', () => {
    const t = setup();
    t.connect(id(1));
    expect(t.sent).toEqual([{ peer: id(1), kind: 'PexRequest', addrs: [] }]);
    t.connect(id(2));
    t.connect(id(3));
    t.sent.length = 0;
    t.recv(id(1), { kind: 'PexRequest' });
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0].addrs.sort()).toEqual([addr(2), addr(3)]);
    t.sw.receive(id(2), PEX_CHANNEL_ID, Uint8Array.of(0x12, 0x05, 0x0a));
    expect(t.stopped).toEqual([{ peer: id(2), reason: expect.stringMatching(/^malformed message on channel 0x00: ErrMalformed/) }]);
    expect(t.sw.peers().sort()).toEqual([id(1), id(3)]);
  });

  it('stops a peer that sends addresses it was not asked for', () => {
    const t = setup();
    t.connect(id(1));
    t.recv(id(1), { kind: 'PexAddrs', addrs: [addr(5)] }); // the answer to our ask: fine
    expect(t.stopped).toEqual([]);
    t.recv(id(1), { kind: 'PexAddrs', addrs: [addr(6)] });
    expect(t.stopped).toEqual([{ peer: id(1), reason: 'unsolicited PexAddrs' }]);
  });

  it('answers a burst of asks, then stops a peer that keeps asking faster than the interval allows', () => {
    const t = setup({ requestIntervalMs: 2000 });
    t.connect(id(1));
    t.connect(id(2));
    for (let i = 0; i < 3; i++) t.recv(id(1), { kind: 'PexRequest' });
    t.advance(1000); // one more ask earned
    t.recv(id(1), { kind: 'PexRequest' });
    expect(t.sent.filter((s) => s.peer === id(1) && s.kind === 'PexAddrs')).toHaveLength(4);
    expect(t.stopped).toEqual([]);
    t.recv(id(1), { kind: 'PexRequest' });
    expect(t.stopped).toEqual([{ peer: id(1), reason: 'PexRequest more often than every 1000 ms' }]);
    // a peer asking at the pace of our own asks is never stopped
    for (let i = 0; i < 20; i++) {
      t.advance(2000);
      t.recv(id(2), { kind: 'PexRequest' });
    }
    expect(t.stopped).toHaveLength(1);
  });

  it('dials learned addresses until the target, never itself nor a connected peer', async () => {
    const t = setup({ targetPeers: 3 });
    t.connect(id(1));
    t.recv(id(1), { kind: 'PexAddrs', addrs: [addr(0), addr(1), addr(2), addr(3), addr(4), addr(5)] });
    t.advance(600);
    await flush();
    // one connected, room for two more: two of 2..5 dialled
    expect(t.dials).toHaveLength(2);
    expect(t.dials.every((a) => ![addr(0), addr(1)].includes(a))).toBe(true);
    expect(t.connected.size).toBe(3);
    // at the target: further ticks neither ask nor dial
    const sent = t.sent.length;
    t.advance(20_000);
    await flush();
    expect(t.dials).toHaveLength(2);
    expect(t.sent.length).toBe(sent);
    // a peer lost: the next tick dials a replacement from the book
    t.sw.peerDisconnected(t.dials[0].split('/p2p/')[1], 'gone');
    t.connected.delete(t.dials[0].split('/p2p/')[1]);
    t.advance(3000);
    await flush();
    expect(t.dials).toHaveLength(3);
    expect(t.connected.size).toBe(3);
  });

  it('backs off a failing address and forgets it after maxDialFailures', async () => {
    const t = setup({ dialable: () => false, maxDialFailures: 3 });
    t.connect(id(1));
    t.recv(id(1), { kind: 'PexAddrs', addrs: [addr(7)] });
    // the book holds the connected peer (its own addresses) and what it told us
    expect(t.pex.known()).toEqual([id(1), id(7)]);
    for (let i = 0; i < 60 && t.pex.known().includes(id(7)); i++) {
      t.advance(1000);
      await flush();
    }
    expect(t.dials).toEqual([addr(7), addr(7), addr(7)]);
    expect(t.pex.known()).toEqual([id(1)]);
  });

  it('a peer that takes the connection but never becomes one (it is full) is backed off and forgotten too', async () => {
    const t = setup({ announce: false, maxDialFailures: 3 });
    t.connect(id(1));
    t.recv(id(1), { kind: 'PexAddrs', addrs: [addr(8)] });
    for (let i = 0; i < 60 && t.pex.known().includes(id(8)); i++) {
      t.advance(1000);
      await flush();
    }
    expect(t.dials).toEqual([addr(8), addr(8), addr(8)]);
    expect(t.pex.known()).toEqual([id(1)]);
  });

  it('asks less often when the answers bring nothing new', () => {
    const t = setup({ requestIntervalMs: 1000, maxRequestIntervalMs: 8000 });
    t.connect(id(1));
    const asks = () => t.sent.filter((s) => s.kind === 'PexRequest').length;
    t.recv(id(1), { kind: 'PexAddrs', addrs: [] }); // the answer to the first ask, on connect
    const times: number[] = [t.clock.now()];
    let last = asks();
    for (let ms = 0; ms < 40_000; ms += 100) {
      t.advance(100);
      if (asks() > last) {
        last = asks();
        times.push(t.clock.now());
        t.recv(id(1), { kind: 'PexAddrs', addrs: [] });
      }
    }
    const gaps = times.slice(1).map((x, i) => x - times[i]);
    expect(gaps[0]).toBeLessThan(3000);
    expect(gaps[gaps.length - 1]).toBeGreaterThanOrEqual(8000);
    expect(gaps[gaps.length - 1]).toBeLessThan(11_000);
  });
});
