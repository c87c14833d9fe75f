// The Tendermint v0.10 JSON-lines reader reads line by line with a maximum line length: a huge
// blob without a newline is damage at its record and byte offset, found without reading it all.
import { describe, expect, it } from 'vitest';
import { readShared } from '../../../test/shared.js';
import { concat, utf8 } from '../bytes.js';
import { readWal } from './inspect.js';
import { MAX_V010_LINE, scanV010Wal } from './json-v010.js';

const fixture = (name: string) => new Uint8Array(readShared(`fixtures/wal/tendermint-v0.10/${name}`));

describe('v0.10 line limit', () => {
  it('every fixture line is far below the limit', () => {
    for (const name of ['empty_block.cswal', 'many_blocks.cswal', 'small_block1.cswal', 'small_block2.cswal']) {
      const longest = Math.max(...readShared(`fixtures/wal/tendermint-v0.10/${name}`).toString('latin1').split('\n').map((l) => l.length));
      expect(longest).toBeLessThan(MAX_V010_LINE / 100);
    }
  });

  it('an over-long line without a newline is corruption at its record and offset; the records before it stay', () => {
    const good = fixture('small_block1.cswal');
    const whole = readWal(good);
    const blob = new Uint8Array(MAX_V010_LINE + 10).fill(0x41);
    const t = Date.now();
    const scan = readWal(concat(good, blob));
    expect(Date.now() - t).toBeLessThan(2000);
    expect(scan.format).toBe('tendermint-v0.10');
    expect(scan.entries).toHaveLength(whole.entries.length);
    expect(scan.goodLength).toBe(good.length);
    expect(scan.corruption).toMatchObject({ index: whole.entries.length, offset: good.length });
    expect(scan.corruption!.reason).toMatch(/longer than \d+ bytes/);
  });

  it('a step or peer key that is no text is damage named by its field (an object with a toString field made a TypeError)', () => {
    const good = fixture('small_block1.cswal');
    const whole = readWal(good);
    const time = '"time":"2017-07-12T18:04:14.125Z"';
    // the fixture's first received proposal, its peer_key replaced
    const received = new TextDecoder().decode(good).split('\n').find((l) => l.includes('"msg":[2,') && l.includes('"peer_key"'))!;
    const withPeerKey = (v: string) => received.replace(/"peer_key":"[^"]*"/, `"peer_key":${v}`);
    expect(readWal(utf8(`${withPeerKey('"abc"')}\n`)).corruption).toBeNull();
    for (const [line, reason] of [
      [`{${time},"msg":[1,{"height":1,"round":0,"step":{"toString":"x"}}]}\n`, '"step" is not text'],
      [`{${time},"msg":[1,{"height":1,"round":0,"step":7}]}\n`, '"step" is not text'],
      [`${withPeerKey('{"toString":"x"}')}\n`, '"peer_key" is not text'],
    ] as const) {
      const scan = readWal(concat(good, utf8(line)));
      expect(scan.entries).toHaveLength(whole.entries.length);
      expect(scan.corruption).toMatchObject({ index: whole.entries.length, offset: good.length });
      expect(scan.corruption!.reason).toContain(reason);
    }
  });

  it('an over-long line in the middle (with a newline after it) is corruption too', () => {
    const good = fixture('small_block1.cswal');
    const nl = good.indexOf(0x0a) + 1;
    const scan = scanV010Wal(concat(good.subarray(0, nl), utf8(`{"time":"${'x'.repeat(200)}"}\n`), good.subarray(nl)), 100);
    expect(scan.entries).toHaveLength(1);
    expect(scan.corruption).toMatchObject({ index: 1, offset: nl });
    expect(scan.corruption!.reason).toBe('line 2: longer than 100 bytes (no newline)');
  });

  it('a line of exactly the limit, or a short unterminated tail, reads as before', () => {
    const ok = scanV010Wal(utf8(`#ENDHEIGHT: 5\n${' '.repeat(9)}#ENDHEIGHT: 6\n`), 22);
    expect(ok.corruption).toBeNull();
    expect(ok.entries.map((e) => e.record)).toEqual([
      { type: 'endHeight', time: null, height: 5 },
      { type: 'endHeight', time: null, height: 6 },
    ]);
    const tail = scanV010Wal(utf8('#ENDHEIGHT: 5\n#ENDHEIGHT: 6'), 22);
    expect(tail.corruption?.reason).toMatch(/not terminated/);
  });

  it('an #ENDHEIGHT past 2^53 - 1, or below 0, is damage at its line, not a rounded height', () => {
    for (const [h, at] of [['9007199254740993', 1], ['-5', 1], ['', 1]] as const) {
      const scan = scanV010Wal(utf8(`#ENDHEIGHT: 5\n#ENDHEIGHT: ${h}\n`));
      expect(scan.entries.map((e) => e.record)).toEqual([{ type: 'endHeight', time: null, height: 5 }]);
      expect(scan.corruption, h).toMatchObject({ index: at });
      expect(scan.corruption!.reason).toMatch(/^line 2: #ENDHEIGHT/);
    }
  });
});
