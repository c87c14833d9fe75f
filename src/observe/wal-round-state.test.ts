// The RoundState a WAL replay shows is the one the engine had when it wrote the WAL: the valid block
// and the last commit, which no WAL record carries, follow from the votes, proposals and parts that
// do, as the engine's rules make them (compared record by record with the engine's own RoundState).
import { describe, expect, it } from 'vitest';
import { readShared } from '../../test/shared.js';
import { concat, toHex } from '../core/bytes.js';
import type { RoundStateSnapshot } from '../core/consensus/snapshot.js';
import { readWal } from '../core/wal/inspect.js';
import { encodeWalRecord } from '../core/wal/record.js';
import { Simulation } from '../sim/simulation.js';
import { WalProjection } from './wal.js';

/** A simulated node's WAL, with the engine's RoundState as each record was written (the state after the record before). */
async function recorded(seed: number, link: { dropRate: number; delayMax: number }) {
  const sim = new Simulation({ validators: 4, heights: 5, seed, link, config: { timeoutCommit: 100 } });
  const sn = sim.nodes[1];
  const before: (RoundStateSnapshot | null)[] = [];
  const snap = () => {
    // the first records are written before the engine has a RoundState
    try {
      before.push(sn.node!.getRoundState());
    } catch {
      before.push(null);
    }
  };
  const write = sn.wal.write.bind(sn.wal);
  const writeSync = sn.wal.writeSync.bind(sn.wal);
  sn.wal.write = (r) => (snap(), write(r));
  sn.wal.writeSync = (r) => (snap(), writeSync(r));
  await sim.run();
  const file = readWal(concat(...sn.wal.records.map(encodeWalRecord)));
  const validators = [...sim.genesis.validators].map((v) => ({ address: toHex(v.address), name: v.name, power: BigInt(v.power) }));
  return { file, before, validators };
}

const lastCommitOf = (rs: Pick<RoundStateSnapshot, 'lastCommit'>) => rs.lastCommit && { round: rs.lastCommit.round, bits: rs.lastCommit.bitArray };

describe('a WAL replay’s RoundState', () => {
  // seed 5: every height in round 0; seeds 9 and 13: lost and late messages, rounds up to 3 and 7
  for (const [seed, dropRate, delayMax] of [[5, 0, 50], [9, 0.1, 2000], [13, 0.35, 2500]]) {
    it(`has the engine's ValidRound/ValidBlock and LastCommit after every record (seed ${seed})`, async () => {
      const { file, before, validators } = await recorded(seed, { dropRate, delayMax });
      const p = new WalProjection(file, { node: 'n1' });
      p.setGenesis(validators, new Map());
      let compared = 0;
      let valid = 0;
      let lastCommits = 0;
      for (let i = 0; i + 1 < file.entries.length; i++) {
        const engine = before[i + 1];
        p.replay.seek(i + 1);
        const rs = p.view().roundState;
        // after EndHeight the engine is at the next height before the WAL says so
        if (!engine || engine.height !== rs.height || file.entries[i].record.type === 'endHeight') continue;
        const at = `record ${i} (${rs.height}/${rs.round}/${rs.step})`;
        expect({ validRound: rs.validRound, validBlock: rs.validBlock }, at).toEqual({ validRound: engine.validRound, validBlock: engine.validBlock });
        expect(lastCommitOf(rs), at).toEqual(lastCommitOf(engine));
        compared++;
        if (rs.validRound >= 0) valid++;
        if (rs.lastCommit) lastCommits++;
      }
      expect(compared).toBeGreaterThan(file.entries.length * 0.8);
      expect(valid).toBeGreaterThan(10);
      expect(lastCommits).toBeGreaterThan(10);
    });
  }

  it('in the fixtures: the polka sets the valid block, the commit leaves the LastCommit', () => {
    for (const name of ['cometbft/v1.0-baseapp.wal', 'tendermint-v0.10/many_blocks.cswal']) {
      const p = new WalProjection(readWal(new Uint8Array(readShared(`fixtures/wal/${name}`))), { node: 'n' });
      // records 0–6: EndHeight 0, the timeout, Propose, the own proposal and part, Prevote, the own prevote
      p.replay.seek(7);
      const rs = p.view().roundState;
      expect(rs, name).toMatchObject({ height: 1, round: 0, step: 'RoundStepPrevote', validRound: 0 });
      expect(rs.validBlock).toMatch(/^[0-9a-f]{40,64}$/);
      // height 2's NewHeight: height 1's precommits, the one validator's
      p.replay.seek(12);
      expect(p.view().roundState, name).toMatchObject({ height: 2, validRound: -1, lastCommit: { round: 0, bitArray: { size: 1, indices: [0] }, twoThirdsMajority: { hash: rs.validBlock } } });
    }
  });
});
