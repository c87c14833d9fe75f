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
    // the letters are the page's, not the chains' own: the first block a proposal or vote named at
    // that height is A, as in the vote grid (the first one committed there may be B)
    const first = events.find((e) => e.type === 'Vote' && e.vote.height === h && e.vote.blockId.hash !== '');
    expect(first && first.type === 'Vote' && blockMark(chains, h, first.vote.blockId.hash).letter).toBe('A');
    expect([at('n2'), at('n3')].sort()).toEqual(['A', 'B']);
  });

  it('a live history that drops its oldest events is read on, not again: the chains are those of the whole log', async () => {
    const events = await eventsOf('happy-path', 8000);
    const whole = chainsOf(events);
    const wholeN0 = lastBlocks(whole, 'n0', 3);
    chainsOf([...events]); // another log: read afresh
    const half = Math.floor(events.length / 2);
    chainsOf(events.slice(0, half));
    const trimmed = chainsOf(events.slice(half - 10)); // the front dropped, the rest grown
    expect(lastBlocks(trimmed, 'n0', 3)).toEqual(wholeN0);
    expect([...trimmed.byHeight.keys()].sort((a, b) => a - b)).toEqual([...whole.byHeight.keys()].sort((a, b) => a - b));
  });

  it('a node’s last blocks are its highest, in height order, whatever order they were learnt in', () => {
    const mine = new Map<number, string>();
    for (const h of [3, 1, 7, 2, 9, 5, 8, 4, 6]) mine.set(h, `b${h}`);
    const chains = { byNode: new Map([['n0', mine]]), byHeight: new Map<number, string[]>(), named: new Map<number, string[]>() };
    expect(lastBlocks(chains, 'n0', 4).map((b) => b.height)).toEqual([6, 7, 8, 9]);
    expect(lastBlocks(chains, 'n0', 20).map((b) => b.height)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(lastBlocks(chains, 'n1', 4)).toEqual([]);
  });
});
