// The channel framing: varint length ‖ message, decoded from chunks split anywhere, limits enforced.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeFrame, FrameDecoder, FrameError } from './varint-frames.js';

describe('varint frames', () => {
  it('encodes the length as an unsigned varint', () => {
    expect([...encodeFrame(Uint8Array.of(9))]).toEqual([1, 9]);
    expect([...encodeFrame(new Uint8Array(300)).subarray(0, 2)]).toEqual([0xac, 0x02]);
    expect(encodeFrame(new Uint8Array(0))).toEqual(Uint8Array.of(0));
  });

  it('decodes any split of any sequence of frames', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (msgs, cuts) => {
        const wire = Uint8Array.from(msgs.flatMap((m) => [...encodeFrame(m)]));
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const d = new FrameDecoder(300);
        const got: Uint8Array[] = [];
        let at = 0;
        for (const p of [...points, wire.length]) {
          got.push(...d.push(wire.subarray(at, p)));
          at = p;
        }
        expect(got.map((m) => [...m])).toEqual(msgs.map((m) => [...m]));
        expect(d.idle).toBe(true);
      }),
    );
  });

  it('refuses a frame above the limit from its length alone, and runaway or padded varints', () => {
    expect(() => new FrameDecoder(100).push(Uint8Array.of(101))).toThrow(FrameError);
    expect(new FrameDecoder(100).push(Uint8Array.of(100)).length).toBe(0); // waiting for the body
    expect(() => new FrameDecoder(2 ** 40).push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff))).toThrow(/too long/);
    expect(() => new FrameDecoder(100).push(Uint8Array.of(0x81, 0x00))).toThrow(/minimal/);
  });
});
