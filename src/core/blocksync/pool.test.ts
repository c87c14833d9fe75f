// BlockPool decisions: requests go only to peers that have the height and have room, a window
// bounds them, timeouts and NoBlockResponse move them elsewhere, only the asked peer may answer,
// and "caught up" waits for every connected peer's status.
import { describe, expect, it } from 'vitest';
import { BlockPool } from './pool.js';
import type { Block } from '../types.js';

const cfg = { window: 8, maxPendingPerPeer: 3, requestTimeout: 1000, startupGrace: 5000 };
const first = (n: number) => 0 * n;
const blockAt = (height: number) => ({ header: { height } }) as unknown as Block;

describe('BlockPool', () => {
  it('asks peers that hold a height, at most maxPendingPerPeer each, within the window', () => {
    const pool = new BlockPool(1, 0, cfg);
    pool.setPeerRange('a', 1, 100);
    pool.setPeerRange('b', 5, 6);
    const reqs = pool.makeRequests(0, first);
    expect(reqs.filter((r) => r.peerId === 'a').map((r) => r.height)).toEqual([1, 2, 3]);
    // a is full after three; b takes what it has; 4, 7 and 8 wait for room
    expect(reqs.filter((r) => r.peerId === 'b').map((r) => r.height)).toEqual([5, 6]);
    expect(reqs).toHaveLength(5);
    expect(pool.makeRequests(0, first)).toEqual([]); // nothing new until answers come
  });

  it('only the peer asked may answer; a NoBlockResponse or a timeout moves the request', () => {
    const pool = new BlockPool(1, 0, { ...cfg, window: 2 });
    pool.setPeerRange('a', 1, 10);
    expect(pool.makeRequests(0, first)).toEqual([{ peerId: 'a', height: 1 }, { peerId: 'a', height: 2 }]);
    expect(pool.addBlock('b', blockAt(1), new Uint8Array())).toBe('unsolicited');
    expect(pool.addBlock('a', blockAt(1), new Uint8Array())).toBe('added');
    expect(pool.addBlock('a', blockAt(1), new Uint8Array())).toBe('unsolicited'); // twice
    pool.setPeerRange('b', 1, 10);
    pool.noBlock('a', 2);
    expect(pool.makeRequests(10, (n) => n - 1)).toEqual([{ peerId: 'b', height: 2 }]); // a no longer claims 2
    expect(pool.timedOut(500)).toEqual([]);
    expect(pool.timedOut(1011)).toEqual(['b']);
    expect(pool.peerCount()).toBe(1);
  });

  it('hands out two consecutive blocks, pops the first, and redoes a bad one elsewhere', () => {
    const pool = new BlockPool(1, 0, cfg);
    pool.setPeerRange('a', 1, 10);
    pool.makeRequests(0, first);
    pool.addBlock('a', blockAt(2), new Uint8Array());
    expect(pool.peekTwoBlocks()).toBeNull();
    pool.addBlock('a', blockAt(1), new Uint8Array());
    expect(pool.peekTwoBlocks()!.map((b) => b.block.header.height)).toEqual([1, 2]);
    pool.popRequest();
    expect(pool.height).toBe(2);
    expect(pool.redoRequest(2)).toBe('a');
    expect(pool.peerCount()).toBe(0);
  });

  it('is caught up once every peer has told its height and none is more than one block ahead', () => {
    const pool = new BlockPool(11, 0, cfg);
    pool.addPeer('a');
    pool.addPeer('b');
    pool.setPeerRange('a', 1, 11);
    expect(pool.isCaughtUp(10)).toBe(false); // b has not answered yet
    pool.setPeerRange('b', 1, 30);
    expect(pool.isCaughtUp(10)).toBe(false); // b is ahead
    pool.setPeerRange('b', 1, 11);
    expect(pool.isCaughtUp(10)).toBe(true); // block 11 itself comes by consensus
    const alone = new BlockPool(1, 0, cfg);
    expect(alone.isCaughtUp(4999)).toBe(false);
    expect(alone.isCaughtUp(5000)).toBe(true); // nobody to sync from: after the start-up grace
  });
});
