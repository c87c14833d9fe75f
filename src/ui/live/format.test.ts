import { describe, expect, it } from 'vitest';
import { BECOME_WAIT_MS, becomeState, bytes, cutOffText, lastSignedText, peerRows, rtt, shortId } from './format.js';
import { hubChain, joinRequest } from './join.js';
import type { PeerStat } from '../../observe/live.js';

const link = (id: string, transport: PeerStat['transport']): PeerStat => ({ id, transport, rttMs: 12.4, bytesIn: 1, bytesOut: 2 });

describe('live panel formatting', () => {
  it('shortens peer ids to the type and the tail, bytes to SI units, round trips to ms', () => {
    expect(shortId('12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK')).toBe('12D3…swrRJsNK');
    expect(shortId('n0')).toBe('n0');
    expect([0, 999, 1000, 12_345, 999_999, 1_200_000, 5e12].map(bytes)).toEqual(['0 B', '999 B', '1.0 kB', '12 kB', '1.0 MB', '1.2 MB', '5.0 TB']);
    expect([null, 12.4, 0].map(rtt)).toEqual(['—', '12 ms', '0 ms']);
    expect(lastSignedText({ height: 12, round: 1, step: 2 })).toBe('12/1 prevote');
    expect(lastSignedText(null)).toBe('nothing yet');
  });

  it('peers: the node’s Switch order first, joined to the page’s connections; then connections the node has not taken yet', () => {
    const rows = peerRows(['b', 'a', 'c'], [link('a', 'webrtc'), link('b', 'websockets'), link('d', 'relayed')]);
    expect(rows.map((r) => [r.id, r.inSwitch, r.link?.transport ?? null])).toEqual([
      ['b', true, 'websockets'],
      ['a', true, 'webrtc'],
      ['c', true, null],
      ['d', false, 'relayed'],
    ]);
  });

  it('cut off: a running node that had peers and has none says so (the hub stopped); one still dialling, starting or stopped does not', () => {
    const peers = ['hub'];
    expect(cutOffText({ stage: 'validator', peers: [] }, true)).toMatch(/^no peers: cut off from the testnet/);
    expect(cutOffText({ stage: 'full node', peers: [] }, true)).not.toBeNull();
    expect(cutOffText({ stage: 'syncing', peers: [] }, true)).not.toBeNull();
    expect(cutOffText({ stage: 'syncing', peers: [] }, false)).toBeNull();
    // past block sync without ever a peer: the hub never answered (a wrong ?join= address)
    expect(cutOffText({ stage: 'full node', peers: [] }, false)).toMatch(/^no peer yet: the hub has not answered/);
    expect(cutOffText({ stage: 'validator', peers }, true)).toBeNull();
    expect(cutOffText({ stage: 'starting', peers: [] }, true)).toBeNull();
    expect(cutOffText({ stage: 'stopped', peers: [] }, true)).toBeNull();
    expect(cutOffText(null, true)).toBeNull();
  });

  it('"Become a validator": ready, pending until the stage answers, late after the wait, disabled where it cannot be', () => {
    expect(becomeState('full node', null, 0).kind).toBe('ready');
    expect(becomeState('syncing', null, 0).kind).toBe('ready');
    expect(becomeState('full node', 1000, 2000).kind).toBe('pending');
    expect(becomeState('full node', 1000, 1000 + BECOME_WAIT_MS).kind).toBe('late');
    for (const stage of ['validator', 'observer', 'stopped'] as const) expect(becomeState(stage, 1000, 2000).kind).toBe('disabled');
  });
});

describe('joining by URL', () => {
  it('?join opens the live view, with the hub address when given', () => {
    expect(joinRequest('')).toBeNull();
    expect(joinRequest('?lesson=x')).toBeNull();
    expect(joinRequest('?join')).toEqual({});
    expect(joinRequest('?join=')).toEqual({});
    const addr = '/ip4/127.0.0.1/tcp/26657/ws/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK';
    expect(joinRequest(`?join=${encodeURIComponent(addr)}`)).toEqual({ hubAddr: addr });
  });

  it('a hub is recognised by its /hub.json; a static server’s index.html is not one', async () => {
    const answer = (body: string, type: string, status = 200) => async () => new Response(body, { status, headers: { 'content-type': type } });
    expect(await hubChain(answer('{"chainId":"prevote-testnet","peerId":"x","ws":[]}', 'application/json; charset=utf-8'))).toBe('prevote-testnet');
    expect(await hubChain(answer('<!doctype html><div id="root"></div>', 'text/html'))).toBeNull();
    expect(await hubChain(answer('{}', 'application/json'))).toBeNull();
    expect(await hubChain(answer('nope', 'application/json', 404))).toBeNull();
    expect(await hubChain(async () => Promise.reject(new Error('offline')))).toBeNull();
  });
});
