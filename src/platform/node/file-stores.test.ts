// Node file stores: blocks, state and privval state survive a reopen bit for bit; a torn block
// append is cut; damaged state and privval files stop the start with a typed error.
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/tmp.js';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors.js';
import { Simulation } from '../../sim/simulation.js';
import { PartSet } from '../../core/blocks/part-set.js';
import { FileBlockStore, FilePrivValidatorStateStore, FileStateStore } from './file-stores.js';

const dir = tempDirs('prevote-stores-');

describe('Node file stores', () => {
  it('blocks and state written from a simulated chain reload identically; a torn append is cut', async () => {
    const sim = new Simulation({ validators: 4, heights: 3, seed: 12, config: { timeoutCommit: 100 }, txsPerHeight: 3 });
    await sim.run();
    const src = sim.nodes[0];
    const d = dir();
    const blocks = await FileBlockStore.open(d);
    for (let h = 1; h <= src.blockStore.height(); h++) {
      const block = src.blockStore.loadBlock(h)!;
      const meta = src.blockStore.loadBlockMeta(h)!;
      const parts = PartSet.fromHeader(meta.blockId.partSetHeader);
      for (let i = 0; i < meta.numParts; i++) parts.addPart(src.blockStore.loadBlockPart(h, i)!);
      await blocks.saveBlock(block, parts, src.blockStore.loadSeenCommit(h)!);
    }
    const log = join(d, 'blocks.log');
    const whole = readFileSync(log).length;
    appendFileSync(log, Buffer.from([0, 0, 0, 0, 0, 0, 1, 0, 1, 2])); // a record torn by a crash
    const reopened = await FileBlockStore.open(d);
    expect(reopened.height()).toBe(src.blockStore.height());
    for (let h = 1; h <= reopened.height(); h++) {
      expect(reopened.loadBlock(h)).toEqual(src.blockStore.loadBlock(h));
      expect(reopened.loadBlockMeta(h)).toEqual(src.blockStore.loadBlockMeta(h));
      expect(reopened.loadSeenCommit(h)).toEqual(src.blockStore.loadSeenCommit(h));
    }
    expect(readFileSync(log).length).toBe(whole); // the torn record was cut on open
    const states = await FileStateStore.open(d);
    const state = src.stateStore.load()!;
    await states.save(state);
    const again = (await FileStateStore.open(d)).load()!;
    expect(again.lastBlockHeight).toBe(state.lastBlockHeight);
    expect(again.validators.hash()).toEqual(state.validators.hash());
    expect(again.validators.getProposer().address).toEqual(state.validators.getProposer().address);
    expect(again.nextValidators.validators).toEqual(state.nextValidators.validators);
    expect(again.appHash).toEqual(state.appHash);
    expect(again.lastBlockId).toEqual(state.lastBlockId);

    writeFileSync(join(d, 'state.json'), '{"version":1,"chainId":7}');
    await expect(FileStateStore.open(d)).rejects.toBeInstanceOf(ValidationError);
  });

  it('D-13 privval state round-trips in CometBFT’s format; a damaged file fails closed', async () => {
    const path = join(dir(), 'priv_validator_state.json');
    const store = new FilePrivValidatorStateStore(path);
    expect(await store.load()).toBeNull();
    const s = { height: 12, round: 3, step: 2, signature: new Uint8Array(64).fill(5), signBytes: new Uint8Array([1, 2, 3]) };
    await store.save(s);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ height: '12', round: 3, step: 2, signbytes: '010203' });
    expect(await store.load()).toEqual(s);
    writeFileSync(path, '{"height": "12", "round": 3, "st');
    await expect(store.load()).rejects.toThrow(/priv_validator_state: not JSON/);
    writeFileSync(path, '{"height": "12", "round": 3, "step": 2}');
    await expect(store.load()).rejects.toThrow(/without signbytes/);
  });
});
