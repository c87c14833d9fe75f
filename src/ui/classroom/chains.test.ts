// Chain strips: each node's committed blocks from the event log; a fork shows as two chains.
import { describe, expect, it } from 'vitest';
import { ClassroomSession } from '../../sim/session.js';
import { LESSONS } from '../lessons.js';
import { blockMark, chainsOf, forkHeights, lastBlocks } from './chains.js';

async function eventsOf(id: string, t: number) {
  const s = new ClassroomSession();
  await s.load(LESSONS.find((l) => l.id === id)!.scenario);
  await s.advanceTo(t);
  return s.drain();
}

describe('chains', () => {
  it('correct nodes share one chain: every block is A', async () => {
    const chains = chainsOf(await eventsOf('happy-path', 5000));
    expect(forkHeights(chains)).toEqual([]);
    const n0 = lastBlocks(chains, 'n0', 4);
    expect(n0.length).toBe(4);
    expect(n0.map((b) => blockMark(chains, b.height, b.hash).letter).join('')).toBe('AAAA');
  });

  it('more than a third Byzantine: two nodes commit different blocks at one height, and read incrementally', async () => {
    const events = await eventsOf('byzantine-third', 6000);
    chainsOf(events.slice(0, Math.floor(events.length / 2))); // the log grows between calls
    const chains = chainsOf(events);
    const [h] = forkHeights(chains);
    expect(h).toBeGreaterThan(0);
    const at = (node: string) => blockMark(chains, h, chains.byNode.get(node)!.get(h)!).letter;
    expect(at('n2')).not.toBe(at('n3'));
  });
});
