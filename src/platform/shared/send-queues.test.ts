// A peer's send queues: bounded per channel, drained most-starved-first, blocked sinks skipped.
import { describe, expect, it } from 'vitest';
import type { ChannelDescriptor } from '../../node/channel-descriptors.js';
import type { FrameSink } from './send-queues.js';
import { SendQueues } from './send-queues.js';

const descs: ChannelDescriptor[] = [
  { id: 1, priority: 1, sendQueueCapacity: 10, recvMessageCapacity: 100 },
  { id: 2, priority: 3, sendQueueCapacity: 10, recvMessageCapacity: 100 },
];

function sinks(order: number[], blocked = new Set<number>()): Map<number, FrameSink> {
  return new Map(descs.map((d) => [d.id, { get blocked() { return blocked.has(d.id); }, write: () => void order.push(d.id) }]));
}

describe('SendQueues', () => {
  it('refuses past capacity and unknown channels (TrySend)', () => {
    const q = new SendQueues(descs, () => 0);
    for (let i = 0; i < 10; i++) expect(q.enqueue(1, Uint8Array.of(i))).toBe(true);
    expect(q.enqueue(1, Uint8Array.of(0))).toBe(false);
    expect(q.enqueue(3, Uint8Array.of(0))).toBe(false);
    expect(q.pending).toBe(10);
  });

  it('shares the connection by priority: three times the priority, three times the messages', () => {
    const q = new SendQueues(descs, () => 0);
    for (let i = 0; i < 8; i++) q.enqueue(1, new Uint8Array(9)), q.enqueue(2, new Uint8Array(9));
    const order: number[] = [];
    q.flush(sinks(order));
    expect(order.slice(0, 8).filter((c) => c === 2).length).toBe(6);
    expect(order.length).toBe(16);
  });

  it('skips a blocked sink and keeps its frames for later', () => {
    const q = new SendQueues(descs, () => 0);
    q.enqueue(1, Uint8Array.of(1));
    q.enqueue(2, Uint8Array.of(2));
    const order: number[] = [];
    const blocked = new Set([2]);
    q.flush(sinks(order, blocked));
    expect(order).toEqual([1]);
    blocked.clear();
    q.flush(sinks(order, blocked));
    expect(order).toEqual([1, 2]);
  });

  it('ends each written sink once per flush, so a sink can send the flush as one write', () => {
    const q = new SendQueues(descs, () => 0);
    for (let i = 0; i < 3; i++) q.enqueue(1, Uint8Array.of(i));
    const got: string[] = [];
    const sink = (id: number): FrameSink => ({ blocked: false, write: (f) => void got.push(`${id}:${f.length}`), end: () => void got.push(`end ${id}`) });
    q.flush(new Map([[1, sink(1)], [2, sink(2)]]));
    expect(got).toEqual(['1:2', '1:2', '1:2', 'end 1']);
  });
});
