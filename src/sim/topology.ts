// Who is connected to whom when the reactor gossips.
import type { Prng } from './prng.js';

export type Topology = { kind: 'full' } | { kind: 'ring' } | { kind: 'regular'; degree: number };

export function parseTopology(s: string): Topology {
  if (s === 'full' || s === 'ring') return { kind: s };
  const m = /^regular:(\d+)$/.exec(s) ?? /^d=(\d+)$/.exec(s);
  // a degree of 0 is a network of strangers (nothing could ever commit), as a scenario also says
  if (m && Number(m[1]) === 0) throw new Error(`topology ${JSON.stringify(s)}: a node needs at least one peer (regular:<d>, d ≥ 1)`);
  if (m) return { kind: 'regular', degree: Number(m[1]) };
  throw new Error(`unknown topology ${JSON.stringify(s)} (direct, full, ring or regular:<d>; direct is no gossip, every message straight to every node)`);
}

export function describeTopology(t: Topology): string {
  return t.kind === 'regular' ? `regular:${t.degree}` : t.kind;
}

/**
 * Undirected edges. `regular` is a random d-regular graph: the circulant graph that links each
 * node to its d/2 successors on a seeded random ring (d rounded up to even, at most n-1),
 * which is connected and gives every node the same degree.
 */
export function topologyEdges(names: string[], t: Topology, prng: Prng): [string, string][] {
  const n = names.length;
  const edges = new Set<string>();
  const add = (a: string, b: string) => {
    if (a !== b) edges.add(a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  };
  if (t.kind === 'full' || (t.kind === 'regular' && t.degree >= n - 1)) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) add(names[i], names[j]);
  } else {
    const order = [...names];
    if (t.kind === 'regular') {
      for (let i = n - 1; i > 0; i--) {
        const j = prng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    const reach = t.kind === 'ring' ? 1 : Math.max(1, Math.ceil(t.degree / 2));
    for (let i = 0; i < n; i++) for (let k = 1; k <= reach; k++) add(order[i], order[(i + k) % n]);
  }
  return [...edges].map((e) => e.split('\u0000') as [string, string]);
}
