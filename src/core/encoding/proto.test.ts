// The int64 writer's and reader's number fast paths agree with the BigInt path, around 2^28 and 2^32.
import { describe, expect, it } from 'vitest';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { encode, readInt64, writeInt64, writeMessage, writeSfixed64 } from './proto.js';

const viaFastPath = (v: number) => {
  const w = new BinaryWriter();
  writeInt64(w, 3, v);
  return w.finish();
};
const viaBigInt = (v: number) => new BinaryWriter().tag(3, 0).int64(BigInt(v)).finish();

describe('writeInt64', () => {
  it('writes numbers as the int64 varint, whichever path it takes', () => {
    const values = [1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, -1, -(2 ** 40)];
    for (let i = 0; i < 200; i++) values.push(Math.floor(Math.random() * 2 ** (1 + (i % 52))));
    for (const v of values.filter((x) => x !== 0)) expect(viaFastPath(v), String(v)).toEqual(viaBigInt(v));
    expect(viaFastPath(0)).toEqual(new Uint8Array(0)); // proto3: a zero is not written
  });

  it('reads every int64 varint as the BigInt path does, and leaves the reader after it', () => {
    const values = [0, 1, 127, 128, 2 ** 28 - 1, 2 ** 28, 2 ** 32, 2 ** 53 - 1, -1, -(2 ** 40)];
    for (let i = 0; i < 200; i++) values.push(Math.floor(Math.random() * 2 ** (1 + (i % 52))) * (i % 7 === 0 ? -1 : 1) + 0); // + 0: no -0
    for (const v of values) {
      const bytes = new BinaryWriter().int64(BigInt(v)).uint32(7).finish();
      const r = new BinaryReader(bytes);
      expect(readInt64(r, 'x'), String(v)).toBe(v);
      expect(r.uint32()).toBe(7);
    }
    const unsafe = new BinaryReader(new BinaryWriter().int64(2n ** 60n).finish());
    expect(() => readInt64(unsafe, 'Vote.height')).toThrow(/Vote.height/);
  });
});

describe('encode (one reused writer)', () => {
  const bytesOf = (write: (w: BinaryWriter) => void) => {
    const w = new BinaryWriter();
    write(w);
    return w.finish();
  };

  it('gives each call its own bytes, also when encoders nest', () => {
    const inner = () => encode((w) => w.tag(1, 0).uint32(7));
    const a = encode((w) => writeMessage(w, 2, (w) => w.tag(1, 2).bytes(inner())));
    expect(a).toEqual(bytesOf((w) => writeMessage(w, 2, (w) => w.tag(1, 2).bytes(new Uint8Array([8, 7])))));
    const b = encode((w) => w.tag(3, 0).uint32(1));
    expect(b).toEqual(new Uint8Array([24, 1]));
    expect(a).toEqual(bytesOf((w) => writeMessage(w, 2, (w) => w.tag(1, 2).bytes(new Uint8Array([8, 7]))))); // not overwritten
  });

  it('starts clean after an encoder threw halfway', () => {
    expect(() =>
      encode((w) => {
        w.tag(1, 2).fork().uint32(5);
        throw new Error('bad value');
      }),
    ).toThrow('bad value');
    expect(encode((w) => w.tag(1, 0).uint32(3))).toEqual(new Uint8Array([8, 3]));
  });

  it('encodes large messages whole', () => {
    const big = new Uint8Array(3 << 20).fill(5);
    const out = encode((w) => w.tag(1, 2).bytes(big));
    expect(out.length).toBe(big.length + 5);
    expect(encode((w) => w.tag(1, 0).uint32(1))).toEqual(new Uint8Array([8, 1]));
  });
});

describe('writeSfixed64', () => {
  it('writes numbers as the BigInt path does', () => {
    const values = [1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, -1, -(2 ** 40)];
    for (let i = 0; i < 200; i++) values.push(Math.floor(Math.random() * 2 ** (1 + (i % 52))));
    for (const v of values.filter((x) => x !== 0)) {
      const w = new BinaryWriter();
      writeSfixed64(w, 2, v);
      expect(w.finish(), String(v)).toEqual(new BinaryWriter().tag(2, 1).sfixed64(BigInt(v)).finish());
    }
  });
});
