import { describe, expect, it } from 'vitest';
import { bounds, circle, FULL, NAME_HALF, STRIP_HALF, stripAt } from './ring.js';

describe('the network ring', () => {
  it.each([1, 2, 3, 4, 7, 10, FULL])('%i nodes: every node, its margin and its chain strip are inside the drawing', (n) => {
    const b = bounds(n);
    const outside: string[] = [];
    const check = (what: string, x: number, y: number) => {
      if (x < b.x - 1e-9 || x > b.x + b.w + 1e-9 || y < b.y - 1e-9 || y > b.y + b.h + 1e-9) outside.push(`${what} at ${x.toFixed(1)},${y.toFixed(1)}`);
    };
    for (let i = 0; i < n; i++) {
      const p = circle(i, n);
      const s = stripAt(p);
      for (const [dx, dy] of [[-44, -44], [44, 44]]) check(`node ${i}'s margin`, p.x + dx, p.y + dy);
      for (const dx of [-STRIP_HALF, STRIP_HALF]) check(`node ${i}'s chain strip`, s.x + dx, s.y);
    }
    expect(outside).toEqual([]);
  });

  it.each([2, 3, 4, 7, 10, FULL])('%i nodes: no chain strip covers its node’s name', (n) => {
    for (let i = 0; i < n; i++) {
      const p = circle(i, n);
      const s = stripAt(p);
      // the strip's box (±STRIP_HALF × ±5) and the name's (±NAME_HALF × ±8) around the node
      const apart = Math.abs(s.x - p.x) >= STRIP_HALF + NAME_HALF - 1e-9 || Math.abs(s.y - p.y) >= 5 + 8 - 1e-9;
      expect(apart, `node ${i} of ${n}`).toBe(true);
    }
  });

  it('two nodes (a live tab and its hub) sit left and right: the drawing is wide and short', () => {
    const b = bounds(2);
    expect(b.w).toBeGreaterThan(2 * b.h);
    // the strips reach past the nodes' own margins, left and right
    expect(b.x).toBeLessThan(circle(1, 2).x - 44);
    expect(b.x + b.w).toBeGreaterThan(circle(0, 2).x + 44);
  });
});
