// A crowd laid out by where each node is in consensus: one cluster per height/round/step (and one
// for the nodes down), ordered by progress clockwise from the top. At 100 validators a ring of
// dots says little; clusters show at a glance that 70 nodes precommitted while 30 still wait at
// Prevote, and a node that lags sits apart. Nodes move between clusters as they step.
import type { NodeSummary, StepName } from '../../observe/model.js';
import type { Point } from './aim.js';

const STEP_ORDER: (StepName | 'down')[] = [
  'RoundStepNewHeight', 'RoundStepNewRound', 'RoundStepPropose', 'RoundStepPrevote', 'RoundStepPrevoteWait',
  'RoundStepPrecommit', 'RoundStepPrecommitWait', 'RoundStepCommit', 'RoundStepUnknown',
];

export interface Cluster {
  /** e.g. "5/0 Prevote", or "down" */
  label: string;
  count: number;
  x: number;
  y: number;
  /** the radius its nodes take */
  r: number;
}

/** Units between neighbouring nodes of a cluster (nodes are drawn with a 3.2-unit radius). */
const SPACING = 7.5;
const GOLDEN = Math.PI * (3 - Math.sqrt(5));

/** Positions (by node index) and clusters within a circle of radius `radius` around `centre`. */
export function clusterLayout(nodes: NodeSummary[], centre: Point, radius: number): { pos: Point[]; clusters: Cluster[] } {
  const groups = new Map<string, NodeSummary[]>();
  const keyOf = (n: NodeSummary) => (n.up ? `${n.height}/${n.round}/${n.step}` : 'down');
  for (const n of nodes) (groups.get(keyOf(n)) ?? groups.set(keyOf(n), []).get(keyOf(n))!).push(n);
  const rank = (xs: NodeSummary[]) => {
    const n = xs[0];
    return n.up ? [n.height, n.round, STEP_ORDER.indexOf(n.step)] : [Infinity, 0, 0];
  };
  const ordered = [...groups.values()].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  const pos: Point[] = [];
  const clusters: Cluster[] = [];
  // the biggest cluster sets how far from the centre the others' centres go
  const rOf = (count: number) => SPACING * Math.sqrt(count) * 0.62 + 3;
  const ring = ordered.length === 1 ? 0 : radius - Math.min(radius / 2, Math.max(...ordered.map((g) => rOf(g.length))));
  ordered.forEach((members, k) => {
    const a = (2 * Math.PI * k) / ordered.length;
    const c = { x: centre.x + ring * Math.sin(a), y: centre.y - ring * Math.cos(a) };
    // a sunflower (Vogel's spiral): evenly packed, whatever the count
    members
      .sort((p, q) => p.index - q.index)
      .forEach((n, j) => {
        const d = SPACING * 0.62 * Math.sqrt(j + 0.5);
        pos[n.index] = { x: c.x + d * Math.cos(j * GOLDEN), y: c.y + d * Math.sin(j * GOLDEN) };
      });
    const n = members[0];
    const label = n.up ? `${n.height}/${n.round} ${n.step.replace('RoundStep', '')}` : 'down';
    clusters.push({ label, count: members.length, x: c.x, y: c.y, r: rOf(members.length) });
  });
  return { pos, clusters };
}
