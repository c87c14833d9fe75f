// The network view's geometry: nodes on a ring in a fixed drawing space, and the bounds of what
// is drawn around them, so that a few nodes fill the panel (Network.tsx draws; this places).
import type { Point } from './aim.js';

export const W = 360;
export const H = 340;
export const R = 118;
/** Nodes drawn in full (name, height/round, lock, timer, chain); more are dots on the ring. */
export const FULL = 24;
/** Blocks shown in each node's chain strip. */
export const CHAIN = 4;

/**
 * Slot i of n on the circle, turned so that no node sits on the vertical line through the centre
 * (the partition mode's dividing line): half a slot for an even n, a quarter for an odd one.
 */
export function circle(i: number, n: number): Point {
  const a = (2 * Math.PI * (i + (n % 2 === 0 ? 0.5 : 0.25))) / n;
  return { x: W / 2 + R * Math.sin(a), y: H / 2 - R * Math.cos(a) };
}

/** A point `d` further out from the ring's centre than `p`. */
export function outward(p: Point, d: number): Point {
  const [dx, dy] = [p.x - W / 2, p.y - H / 2];
  const len = Math.hypot(dx, dy) || 1;
  return { x: p.x + (dx / len) * d, y: p.y + (dy / len) * d };
}

/** How far out from its node a chain strip is centred (at least), and half its width and height. */
export const STRIP_OUT = 34;
export const STRIP_HALF = (CHAIN * 10) / 2 + 4;
const STRIP_HALF_HEIGHT = 5;
/** Half the box of a node's name across its circle, at least ("this tab" in the live view). */
export const NAME_HALF = 24;
/** Half a name's width per character (11px type), for names longer than "this tab". */
export const nameHalf = (names: readonly string[]): number => Math.max(NAME_HALF, ...names.map((s) => s.length * 3.5));
const NAME_HALF_HEIGHT = 8;

/**
 * Where a node's chain strip is centred: outward from the ring, far enough that it clears the
 * node's name. Above or below a node that is a short way out; beside one (the two nodes of a live
 * tab and its hub sit left and right) it must pass the name's whole width.
 */
export function stripAt(p: Point, nameHalfWidth = NAME_HALF): Point {
  const [dx, dy] = [p.x - W / 2, p.y - H / 2];
  const len = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [Math.abs(dx / len), Math.abs(dy / len)];
  const beside = ux > 0 ? (STRIP_HALF + nameHalfWidth) / ux : Infinity;
  const over = uy > 0 ? (STRIP_HALF_HEIGHT + NAME_HALF_HEIGHT) / uy : Infinity;
  return outward(p, Math.max(STRIP_OUT, Math.min(beside, over)));
}

/**
 * The drawing's bounds: the ring's nodes and what is drawn around them (name, timer, lock, and
 * the chain strip, which reaches furthest where nodes sit left and right of the centre), so that
 * a few nodes fill the panel instead of a square sized for many.
 */
export function bounds(n: number, nameHalfWidth = NAME_HALF): { x: number; y: number; w: number; h: number } {
  const margin = n > FULL ? 14 : 44;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = circle(i, n);
    xs.push(p.x - margin, p.x + margin);
    ys.push(p.y - margin, p.y + margin);
    if (n > FULL) continue;
    const s = stripAt(p, nameHalfWidth);
    xs.push(s.x - STRIP_HALF, s.x + STRIP_HALF);
  }
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y };
}

/** Where a dragged node is dropped: never on the dividing line, but clearly on the side it is dropped on. */
export function offTheLine(p: Point): Point {
  const gap = 22;
  if (Math.abs(p.x - W / 2) >= gap) return p;
  return { ...p, x: p.x < W / 2 ? W / 2 - gap : W / 2 + gap };
}
