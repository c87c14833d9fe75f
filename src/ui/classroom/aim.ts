// Which message in flight a pointer is on. A crowd's messages are drawn as a few paths
// (Network.tsx, MessagePaths), with no element per message to click: the one to drop is found by
// distance, the nearest head within a few units of the pointer, as it is drawn at the frame's time.
import type { MessageView } from '../../observe/model.js';

export type Point = { x: number; y: number };

/** Where a message is at `t`, on the straight line from sender to receiver. */
export function messageAt(m: MessageView, t: number, pos: (id: string) => Point): Point {
  const f = m.arrive > m.sent ? Math.min(1, Math.max(0, (t - m.sent) / (m.arrive - m.sent))) : 1;
  const a = pos(m.from);
  const b = pos(m.to);
  return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
}

/** The message whose head is nearest `p`, if one is within `radius` (drawing units). */
export function messageNear(inFlight: MessageView[], t: number, pos: (id: string) => Point, p: Point, radius: number): { m: MessageView; at: Point } | null {
  let best: { m: MessageView; at: Point } | null = null;
  let bestD = radius;
  for (const m of inFlight) {
    const at = messageAt(m, t, pos);
    const d = Math.hypot(at.x - p.x, at.y - p.y);
    if (d <= bestD) [best, bestD] = [{ m, at }, d];
  }
  return best;
}
