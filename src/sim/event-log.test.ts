import { describe, expect, it } from 'vitest';
import type { ConsensusEvent } from '../core/consensus/io.js';
import { EventLogHasher } from './event-log.js';

const at = (i: number) => ({ at: 1000 + i, height: 1 + (i >> 4), round: i & 3, step: 1 + (i % 8) });
const events = (n: number): ConsensusEvent[] =>
  Array.from({ length: n }, (_, i) =>
    i % 3 === 0
      ? { ...at(i), type: 'NewRoundStep' }
      : i % 3 === 1
        ? { ...at(i), type: 'TimeoutWait', waitStep: 4 }
        : { ...at(i), type: 'Rejected', what: 'vote', reason: 'x'.repeat(i % 97), peerId: `p${i}` },
  );

function hashOf(evs: ConsensusEvent[], peekEvery = 0): string {
  const h = new EventLogHasher();
  evs.forEach((e, i) => {
    h.add(i % 7, e);
    if (peekEvery && i % peekEvery === 0) h.digest();
  });
  return h.digest();
}

describe('EventLogHasher', () => {
  it('digest() reads the hash without changing it, across chunk boundaries', () => {
    const evs = events(5000); // well over one 64 KiB chunk
    expect(hashOf(evs, 13)).toBe(hashOf(evs));
  });

  it('tells apart logs that differ in one field, in order, or in length', () => {
    const evs = events(3000);
    const base = hashOf(evs);
    const changed = evs.map((e, i) => (i === 2500 ? { ...e, round: e.round + 1 } : e));
    const swapped = [...evs];
    [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
    expect(new Set([base, hashOf(changed), hashOf(swapped), hashOf(evs.slice(0, -1))]).size).toBe(4);
  });

  it('free text longer than a chunk is hashed whole', () => {
    const long = (reason: string): ConsensusEvent => ({ ...at(0), type: 'Rejected', what: 'vote', reason, peerId: '' });
    expect(hashOf([long('a'.repeat(200_000))])).not.toBe(hashOf([long(`${'a'.repeat(199_999)}b`)]));
  });
});
