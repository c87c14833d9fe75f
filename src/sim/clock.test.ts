// The virtual clock's timer queue: timers fire by (time, place taken), whatever the order they were
// made in (`soon` ones included), cancelled ones never, and each at its own time.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../test/props.js';
import { VirtualClock } from './clock.js';

type Op = { kind: 'after'; ms: number } | { kind: 'soon' } | { kind: 'ticket'; ms: number; lateBy: number } | { kind: 'cancel'; which: number } | { kind: 'fire'; count: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('after' as const), ms: fc.integer({ min: 0, max: 40 }) }), weight: 5 },
  // a place taken now, its timer made a few operations later (as a link's next message is)
  { arbitrary: fc.record({ kind: fc.constant('ticket' as const), ms: fc.integer({ min: 0, max: 40 }), lateBy: fc.integer({ min: 0, max: 3 }) }), weight: 2 },
  // a timer for now, without a place in the heap (a message sent without delay)
  { arbitrary: fc.record({ kind: fc.constant('soon' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('fire' as const), count: fc.integer({ min: 1, max: 6 }) }), weight: 2 },
);

describe('VirtualClock', () => {
  it('fires timers in (time, place) order, never a cancelled one, each at its time (against a sorted list)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const clock = new VirtualClock(1000);
        // the model: every timer made, with the place it fires in
        const made: { at: number; seq: number; id: number; cancelled: boolean; cancel: (() => void) | null }[] = [];
        const fired: { id: number; now: number }[] = [];
        const pendingTickets: { seq: number; at: number; due: number }[] = [];
        let nextSeq = 0;
        let id = 0;
        const make = (at: number, seq: number, handle: (fn: () => void) => { cancel(): void } | null) => {
          const me = id++;
          const h = handle(() => fired.push({ id: me, now: clock.now() }));
          made.push({ at: Math.max(at, clock.now()), seq, id: me, cancelled: false, cancel: h && (() => h.cancel()) });
        };
        const expected = () => made.filter((t) => !t.cancelled && !fired.some((f) => f.id === t.id)).sort((a, b) => a.at - b.at || a.seq - b.seq);
        for (const [k, o] of ops.entries()) {
          for (const p of pendingTickets.filter((p) => p.due === k)) make(p.at, p.seq, (fn) => (clock.atTicket(p.at, p.seq, clock.reusable(fn)), null));
          if (o.kind === 'after') make(clock.now() + o.ms, nextSeq++, (fn) => clock.after(o.ms, fn));
          else if (o.kind === 'soon') make(clock.now(), nextSeq++, (fn) => (clock.soon((x: number) => x === 7 && fn(), 7), null));
          else if (o.kind === 'ticket') pendingTickets.push({ seq: (clock.ticket(), nextSeq++), at: clock.now() + o.ms, due: k + 1 + o.lateBy });
          else if (o.kind === 'cancel' && made.some((t) => t.cancel)) {
            const cancellable = made.filter((t) => t.cancel);
            const t = cancellable[o.which % cancellable.length];
            t.cancelled = true;
            t.cancel!();
          } else if (o.kind === 'fire') {
            for (let n = 0; n < o.count; n++) {
              const want = expected()[0];
              expect(clock.peek()).toBe(want?.at ?? null);
              expect(clock.fireNext()).toBe(want !== undefined);
              if (!want) break;
              expect(fired.at(-1)).toEqual({ id: want.id, now: want.at });
            }
          }
        }
        // and the rest, to the end
        for (const want of expected()) {
          expect(clock.fireNext()).toBe(true);
          expect(fired.at(-1)).toEqual({ id: want.id, now: want.at });
        }
        expect(clock.fireNext()).toBe(false);
      }),
      propConfig(1000),
    );
  });
});
