// Aiming at a message among hundreds: the nearest head under the pointer, where it is drawn now.
import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../observe/model.js';
import { messageAt, messageNear } from './aim.js';

const pos = (id: string) => ({ n0: { x: 0, y: 0 }, n1: { x: 100, y: 0 }, n2: { x: 0, y: 100 } })[id]!;
const msg = (from: string, to: string, sent: number, arrive: number, kind = 'Vote'): MessageView => ({ from, to, kind, sent, arrive });

describe('messageNear', () => {
  const inFlight = [msg('n0', 'n1', 0, 100), msg('n1', 'n0', 0, 100, 'Proposal'), msg('n0', 'n2', 50, 150)];

  it('moves each message along its link with time', () => {
    expect(messageAt(inFlight[0], 25, pos)).toEqual({ x: 25, y: 0 });
    expect(messageAt(inFlight[1], 25, pos)).toEqual({ x: 75, y: 0 });
    expect(messageAt(inFlight[2], 0, pos)).toEqual({ x: 0, y: 0 }); // not yet left
  });

  it('finds the nearest head within the radius, at the frame’s time', () => {
    expect(messageNear(inFlight, 25, pos, { x: 27, y: 2 }, 6)!.m).toBe(inFlight[0]);
    expect(messageNear(inFlight, 25, pos, { x: 73, y: -1 }, 6)!.m).toBe(inFlight[1]);
    expect(messageNear(inFlight, 75, pos, { x: 0, y: 24 }, 6)!.m).toBe(inFlight[2]);
    expect(messageNear(inFlight, 75, pos, { x: 0, y: 24 }, 6)!.at).toEqual({ x: 0, y: 25 });
  });

  it('nothing when no head is that close', () => {
    expect(messageNear(inFlight, 25, pos, { x: 50, y: 0 }, 6)).toBeNull();
    expect(messageNear([], 25, pos, { x: 25, y: 0 }, 6)).toBeNull();
  });
});
