// Message framing on a channel stream: an unsigned-varint length, then that many bytes of the
// channel's protobuf message — how CometBFT's libp2p transport (lp2p) frames its payloads, so a
// stream carries the same bytes whether it lives for one message (lp2p) or for the connection (us).
// The decoder is incremental (chunks split frames anywhere) and refuses a frame above the channel's
// limit as soon as its length is read, before buffering any of it: a peer cannot make us hold more.

export class FrameError extends Error {}

/** The frame for one message: varint(length) ‖ bytes. */
export function encodeFrame(bytes: Uint8Array): Uint8Array {
  let n = bytes.length;
  let head = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 128)) head++;
  const out = new Uint8Array(head + bytes.length);
  let i = 0;
  while (n >= 0x80) {
    out[i++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[i++] = n;
  out.set(bytes, i);
  return out;
}

/** A varint above 2^35 cannot be a length we accept; five bytes hold every one we do. */
const MAX_VARINT_BYTES = 5;

export class FrameDecoder {
  private len = 0;
  private lenBytes = 0;
  private body: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly maxSize: number) {}

  /** Feeds a chunk; returns the messages it completed. Throws FrameError on a bad or oversize frame. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.body === null) {
        const b = chunk[i++];
        this.len += (b & 0x7f) * 2 ** (7 * this.lenBytes);
        this.lenBytes++;
        if (b & 0x80) {
          if (this.lenBytes >= MAX_VARINT_BYTES) throw new FrameError('frame length varint is too long');
          continue;
        }
        if (this.lenBytes > 1 && b === 0) throw new FrameError('frame length varint is not minimal');
        if (this.len > this.maxSize) throw new FrameError(`frame of ${this.len} bytes exceeds the channel's ${this.maxSize}`);
        this.body = new Uint8Array(this.len);
        this.filled = 0;
      } else {
        const take = Math.min(this.body.length - this.filled, chunk.length - i);
        this.body.set(chunk.subarray(i, i + take), this.filled);
        this.filled += take;
        i += take;
      }
      if (this.body !== null && this.filled === this.body.length) {
        out.push(this.body);
        this.body = null;
        this.len = 0;
        this.lenBytes = 0;
      }
    }
    return out;
  }

  /** True between frames (nothing half-read). */
  get idle(): boolean {
    return this.body === null && this.lenBytes === 0;
  }
}
