// Mempool message codec (cometbft.mempool.v1.Message{txs: Txs}): bytes, round trips, refusals.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { toHex } from '../bytes.js';
import { DecodeError } from '../errors.js';
import { BinaryWriter } from './proto.js';
import { MAX_MEMPOOL_MSG_BYTES, MAX_TX_BYTES, MAX_TXS_PER_MESSAGE, decodeMempoolMessage, encodeMempoolMessage, txWireSize } from './mempool.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

const codeOf = (bytes: Uint8Array): string | null => {
  try {
    decodeMempoolMessage(bytes);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return (e as DecodeError).code;
  }
};

/** Message{txs = 1: Txs{ txs = 1: each }} built field by field. */
function wrap(inner: Uint8Array): Uint8Array {
  return new BinaryWriter().tag(1, 2).bytes(inner).finish();
}

describe('mempool message codec', () => {
  it('encodes Message{Txs{txs}} as CometBFT does', () => {
    // 0a 0a | 0a 03 "a=1" | 0a 03 "b=2"
    expect(toHex(encodeMempoolMessage({ kind: 'Txs', txs: [utf8('a=1'), utf8('b=2')] }))).toBe('0a0a0a03613d310a03623d32');
  });

  it('round-trips, and txWireSize is what each tx adds to the bytes', () => {
    const txs = [utf8('k1=v1'), new Uint8Array(200).fill(7), new Uint8Array(1)];
    const bytes = encodeMempoolMessage({ kind: 'Txs', txs });
    expect(decodeMempoolMessage(bytes)).toEqual({ kind: 'Txs', txs });
    const inner = txs.reduce((n, t) => n + txWireSize(t), 0);
    expect(bytes.length).toBe(inner + 2 + (inner >= 128 ? 1 : 0));
  });

  it('takes a max_tx_bytes tx and refuses a bigger one before keeping it', () => {
    const big = new Uint8Array(MAX_TX_BYTES).fill(1);
    const bytes = encodeMempoolMessage({ kind: 'Txs', txs: [big] });
    expect(bytes.length).toBeLessThanOrEqual(MAX_MEMPOOL_MSG_BYTES);
    expect(decodeMempoolMessage(bytes).txs[0].length).toBe(MAX_TX_BYTES);
    const over = new BinaryWriter().tag(1, 2).bytes(new Uint8Array(MAX_TX_BYTES + 1)).finish();
    expect(codeOf(wrap(over))).toBe('ErrTxTooLarge');
    // a length prefix that claims more than is there
    const claim = new BinaryWriter().tag(1, 2).uint32(1000).finish();
    expect(codeOf(wrap(new Uint8Array([...claim, 1, 2, 3])))).toBe('ErrTruncated');
  });

  it('refuses malformed input with typed errors', () => {
    expect(codeOf(new Uint8Array(MAX_MEMPOOL_MSG_BYTES + 1))).toBe('ErrMsgTooBig');
    expect(codeOf(new Uint8Array(0))).toBe('ErrUnknownMessage');
    expect(codeOf(new Uint8Array([0x12, 0x00]))).toBe('ErrUnknownMessage'); // an unknown kind (field 2)
    expect(codeOf(wrap(new Uint8Array(0)))).toBe('ErrEmptyTxs');
    expect(codeOf(wrap(new Uint8Array([0x0a, 0x00])))).toBe('ErrEmptyTx');
    expect(codeOf(new Uint8Array([0x08, 0x01]))).toBe('ErrWireType'); // field 1 as a varint
    expect(codeOf(new Uint8Array([0x0a, 0x05, 0x0a]))).toMatch(/^Err(Truncated|Malformed)$/);
    expect(codeOf(new Uint8Array([0x0a, 0x02, 0x0a, 0x01, 0x0a, 0x02, 0x0a, 0x01]))).not.toBeNull();
    const two = encodeMempoolMessage({ kind: 'Txs', txs: [utf8('a')] });
    expect(codeOf(new Uint8Array([...two, ...two]))).toBe('ErrTwoKinds');
    expect(codeOf(new Uint8Array([0xff, 0xff, 0xff]))).not.toBeNull();
  });

  it('refuses more than MAX_TXS_PER_MESSAGE txs', () => {
    const w = new BinaryWriter();
    for (let i = 0; i <= MAX_TXS_PER_MESSAGE; i++) w.tag(1, 2).bytes(new Uint8Array([1]));
    expect(codeOf(wrap(w.finish()))).toBe('ErrTooManyTxs');
    expect(() => encodeMempoolMessage({ kind: 'Txs', txs: [] })).toThrow(RangeError);
  });

  it('round-trips any non-empty list of non-empty txs', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 20 }), (txs) => {
        expect(decodeMempoolMessage(encodeMempoolMessage({ kind: 'Txs', txs }))).toEqual({ kind: 'Txs', txs });
      }),
      propConfig(200),
    );
  });

  it('never throws anything but a DecodeError on arbitrary bytes, nor on a mutated message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          const m = decodeMempoolMessage(bytes);
          expect(m.txs.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      propConfig(500),
    );
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 5 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (txs, at, b) => {
          const bytes = encodeMempoolMessage({ kind: 'Txs', txs });
          bytes[at % bytes.length] = b;
          try {
            decodeMempoolMessage(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      propConfig(500),
    );
  });
});
