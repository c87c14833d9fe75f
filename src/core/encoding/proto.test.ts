// The int64 writer's number fast path gives the bytes of the BigInt path, at and around 2^32.
import { describe, expect, it } from 'vitest';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { writeInt64 } from './proto.js';

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
});
