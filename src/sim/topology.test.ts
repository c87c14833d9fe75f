import { describe, expect, it } from 'vitest';
import { describeTopology, parseTopology, topologyEdges } from './topology.js';
import { Prng } from './prng.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);
const degrees = (n: number, edges: [string, string][]) => names(n).map((x) => edges.filter((e) => e.includes(x)).length);

describe('topology', () => {
  it('parses what the CLI and share links say, and names it back', () => {
    for (const s of ['full', 'ring', 'regular:8']) expect(describeTopology(parseTopology(s))).toBe(s);
    expect(parseTopology('d=4')).toEqual({ kind: 'regular', degree: 4 });
  });

  it('refuses what is no network: an unknown name, a degree of 0', () => {
    expect(() => parseTopology('mesh')).toThrow(/unknown topology "mesh"/);
    expect(() => parseTopology('regular:0')).toThrow(/at least one peer/);
  });

  it('regular:d links every node to the same number of peers (d rounded up to even, at most n − 1)', () => {
    for (const [n, d, want] of [[10, 4, 4], [10, 3, 4], [5, 1, 2], [4, 8, 3], [100, 8, 8]] as const) {
      const edges = topologyEdges(names(n), { kind: 'regular', degree: d }, new Prng(7));
      expect(new Set(degrees(n, edges)), `n=${n} d=${d}`).toEqual(new Set([want]));
    }
  });
});
