// One peer's outbound side, as CometBFT's MConnection keeps it: a bounded queue per channel
// (SendQueueCapacity messages; full means TrySend fails, nothing is buffered past it) and, when
// several channels have something to send, the one that sent least for its priority goes first
// (recentlySent / priority, recentlySent decaying by 0.8 every 2 s — MConnection's updateStats).
// Frames are whole messages; a sink that is full (a libp2p stream waiting for 'drain') is skipped
// until it drains, so one slow channel never holds up the others.
import type { ChannelDescriptor } from '../../node/channel-descriptors.js';
import { encodeFrame } from './varint-frames.js';

export interface FrameSink {
  /** True while the sink wants a drain before more writes. */
  readonly blocked: boolean;
  write(frame: Uint8Array): void;
  /**
   * The flush is over: send what `write` collected. A sink that gathers one flush's frames into
   * one write saves a muxer frame, an encryption and a syscall per message (libp2p streams).
   */
  end?(): void;
}

interface ChannelQueue {
  desc: ChannelDescriptor;
  frames: Uint8Array[];
  recentlySent: number;
}

const DECAY_EVERY_MS = 2000;
const DECAY = 0.8;

export class SendQueues {
  private readonly channels = new Map<number, ChannelQueue>();
  private decayedAt: number;

  constructor(
    descriptors: readonly ChannelDescriptor[],
    private readonly now: () => number,
  ) {
    for (const desc of descriptors) this.channels.set(desc.id, { desc, frames: [], recentlySent: 0 });
    this.decayedAt = now();
  }

  /** TrySend: false for a channel we do not carry or a full queue. */
  enqueue(channel: number, bytes: Uint8Array): boolean {
    const q = this.channels.get(channel);
    if (!q || q.frames.length >= q.desc.sendQueueCapacity) return false;
    q.frames.push(encodeFrame(bytes));
    return true;
  }

  /** Writes queued frames, most starved channel first, until every queue is empty or its sink blocked. */
  flush(sinks: ReadonlyMap<number, FrameSink>): void {
    this.decay();
    const written = new Set<FrameSink>();
    for (;;) {
      let best: ChannelQueue | null = null;
      for (const q of this.channels.values()) {
        if (q.frames.length === 0 || sinks.get(q.desc.id)?.blocked !== false) continue;
        if (!best || q.recentlySent / q.desc.priority < best.recentlySent / best.desc.priority) best = q;
      }
      if (!best) break;
      const frame = best.frames.shift()!;
      best.recentlySent += frame.length;
      const sink = sinks.get(best.desc.id)!;
      sink.write(frame);
      written.add(sink);
    }
    for (const sink of written) sink.end?.();
  }

  /** Messages waiting, over all channels. */
  get pending(): number {
    let n = 0;
    for (const q of this.channels.values()) n += q.frames.length;
    return n;
  }

  clear(): void {
    for (const q of this.channels.values()) q.frames.length = 0;
  }

  private decay(): void {
    const periods = Math.floor((this.now() - this.decayedAt) / DECAY_EVERY_MS);
    if (periods <= 0) return;
    const f = DECAY ** periods;
    for (const q of this.channels.values()) q.recentlySent *= f;
    this.decayedAt += periods * DECAY_EVERY_MS;
  }
}
