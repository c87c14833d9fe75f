// The clustered layout: one cluster per height/round/step, ordered by progress, nodes inside their own.
import { describe, expect, it } from 'vitest';
import type { NodeSummary } from '../../observe/model.js';
import { clusterLayout } from './clusters.js';

function node(index: number, height: number, step: NodeSummary['step'], up = true): NodeSummary {
  return { id: `n${index}`, index, name: `n${index}`, up, height, round: 0, step, committed: height - 1, lockedRound: -1, lockedBlock: null, proposer: null, faults: [], votingPower: '10' };
}

describe('clusterLayout', () => {
  const nodes = [
    ...Array.from({ length: 60 }, (_, i) => node(i, 5, 'RoundStepPrecommit')),
    ...Array.from({ length: 30 }, (_, i) => node(60 + i, 5, 'RoundStepPrevote')),
    node(90, 4, 'RoundStepCommit'),
    ...Array.from({ length: 9 }, (_, i) => node(91 + i, 5, 'RoundStepPrevote', false)),
  ];
  const centre = { x: 180, y: 170 };
  const { pos, clusters } = clusterLayout(nodes, centre, 118);

  it('one cluster per height/round/step, by progress, the nodes down last', () => {
    expect(clusters.map((c) => [c.label, c.count])).toEqual([['4/0 Commit', 1], ['5/0 Prevote', 30], ['5/0 Precommit', 60], ['down', 9]]);
  });

  it('every node inside its cluster and the drawing; no two nodes on each other', () => {
    expect(pos.filter(Boolean)).toHaveLength(100);
    const clusterOf = (i: number) => clusters[i < 60 ? 2 : i < 90 ? 1 : i === 90 ? 0 : 3];
    for (const [i, p] of pos.entries()) {
      const c = clusterOf(i);
      expect(Math.hypot(p.x - c.x, p.y - c.y)).toBeLessThanOrEqual(c.r);
      expect(Math.hypot(p.x - centre.x, p.y - centre.y)).toBeLessThanOrEqual(118 + 3);
    }
    for (let i = 0; i < 100; i++) for (let j = i + 1; j < 100; j++) if (clusterOf(i) === clusterOf(j)) expect(Math.hypot(pos[i].x - pos[j].x, pos[i].y - pos[j].y)).toBeGreaterThan(4);
  });

  it('a network in one step is one cluster in the middle', () => {
    const one = clusterLayout(nodes.slice(0, 60), centre, 118);
    expect(one.clusters).toHaveLength(1);
    expect(one.clusters[0]).toMatchObject({ x: centre.x, y: centre.y });
  });
});
