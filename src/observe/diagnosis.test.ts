// The diagnosis of a stalled height, on the real WAL of a node that never got past height 1, and on
// simulated WALs: one that committed, one whose third of the validators was offline.
import { describe, expect, it } from 'vitest';
import { readShared } from '../../test/shared.js';
import { readWal } from '../core/wal/inspect.js';
import { concat, toHex } from '../core/bytes.js';
import { encodeWalRecord } from '../core/wal/record.js';
import { parseGenesis } from '../core/state/genesis.js';
import { Simulation } from '../sim/simulation.js';
import { diagnose } from './diagnosis.js';

describe('diagnosis', () => {
  it('v0.37-stuck-height1: 45 rounds of the node prevoting nil for its own complete proposals', () => {
    const file = readWal(new Uint8Array(readShared('fixtures/wal/cometbft/v0.37-stuck-height1.wal')));
    const genesis = parseGenesis(new TextDecoder().decode(readShared('fixtures/wal/cometbft/v0.37-stuck-height1.genesis.json')));
    const d = diagnose(file, genesis.validators.map((v) => ({ address: toHex(v.address), power: v.power })));
    expect(d.height).toBe(1);
    expect(d.committed).toBe(false);
    // the facts behind the sentence: rounds spanned, votes by kind for block or nil, proposals seen
    expect(d.rounds.map((r) => r.round)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(d.voters).toEqual([0]);
    for (const r of d.rounds) {
      expect(r.proposal.block).not.toBeNull();
      expect(r.proposal.own).toBe(true);
      expect(r.proposal.completeAt).not.toBeNull();
      expect(r.prevotes.nil).toEqual([0]);
      expect(Object.keys(r.prevotes.blocks)).toEqual([]);
      expect(r.precommits.nil).toEqual([0]);
      expect(r.own).toEqual({ prevote: 'nil', precommit: 'nil' });
      expect(r.prevotes.twoThirds).toBe('nil');
    }
    expect(d.cause).toBe('rejected-proposals');
    expect(d.sentence).toMatch(/^Height 1 never committed in 45 rounds \(rounds 0–44\): in every round the node had its own complete proposal and still prevoted nil/);
  });

  it('a committed height says so; a node cut from two of three others reports the missing votes', async () => {
    const sim = new Simulation({ validators: 4, heights: 2, seed: 5, config: { timeoutCommit: 100 } });
    await sim.run();
    const recs = sim.nodes[0].wal.records;
    const ended = recs.findIndex((r) => r.type === 'endHeight' && r.height === 2);
    const done = diagnose(readWal(concat(...recs.slice(0, ended + 1).map(encodeWalRecord))));
    expect(done).toMatchObject({ height: 2, committed: true, cause: 'committed' });

    // the same WAL cut before height 2 ended, with only its own and one other's votes kept
    const kept = recs.filter((r) => !(r.type === 'msgInfo' && r.msg.kind === 'Vote' && r.msg.vote.height === 2 && r.msg.vote.validatorIndex > 1));
    const cut = kept.slice(0, kept.findIndex((r) => r.type === 'endHeight' && r.height === 2));
    const stalled = diagnose(readWal(concat(...cut.map(encodeWalRecord))), sim.genesis.validators.map((v) => ({ address: toHex(v.address), power: v.power })));
    expect(stalled.height).toBe(2);
    expect(stalled.committed).toBe(false);
    expect(stalled.voters.length).toBeLessThanOrEqual(2);
    expect(stalled.cause).toBe('offline');
    expect(stalled.sentence).toMatch(/^Height 2 had not committed where the WAL ends, \d+ ms into its first round \(it may have been in progress when the file was saved\); so far: only \d of 4 validators had voted/);

    // the whole WAL, damaged inside height 2: not "never committed", but where the readable part ends
    const bytes = concat(...recs.map(encodeWalRecord));
    const at = concat(...recs.slice(0, ended - 2).map(encodeWalRecord)).length;
    const damaged = bytes.slice();
    damaged[at + 1] ^= 0xff; // the next record's checksum
    const d = diagnose(readWal(damaged));
    expect(d).toMatchObject({ height: 2, committed: false });
    expect(d.sentence).toMatch(new RegExp(`^The readable part ends inside height 2 \\(the file is damaged at record #${ended - 2}, byte ${at}\\), which may have committed in what could not be read; up to there, in 1 round`));
  });

  it('a WAL saved from a running node: a height only begun, or in its first round, is not called stuck', async () => {
    const sim = new Simulation({ validators: 4, heights: 3, seed: 5, config: { timeoutCommit: 100 } });
    await sim.run();
    const recs = sim.nodes[0].wal.records;
    const wal = (upTo: number) => readWal(concat(...recs.slice(0, upTo).map(encodeWalRecord)));
    // saved while waiting out timeout_commit after height 2: nothing of height 3 to diagnose
    const newHeight = recs.findIndex((r) => r.type === 'roundState' && r.event.height === 3);
    const begun = diagnose(wal(newHeight + 1));
    expect(begun).toMatchObject({ height: 3, committed: false, cause: 'not-begun' });
    expect(begun.sentence).toBe('Height 3 had only begun where the WAL ends: the node was still in NewHeight (waiting out timeout_commit after height 2 committed), 0 ms in; nothing of it to diagnose yet.');
    // saved in height 3's Propose step, before the proposal arrived: not "the proposers were offline"
    const propose = recs.findIndex((r) => r.type === 'roundState' && r.event.height === 3 && r.event.step === 'RoundStepPropose');
    const proposal = recs.findIndex((r) => r.type === 'msgInfo' && r.msg.kind === 'Proposal' && r.msg.proposal.height === 3);
    expect(proposal).toBeGreaterThan(propose);
    const waiting = diagnose(wal(propose + 1));
    expect(waiting).toMatchObject({ height: 3, cause: 'no-proposal' });
    expect(waiting.sentence).toMatch(/^Height 3 had not committed where the WAL ends, \d+ ms into its first round .*: no proposal had arrived yet, and timeout_propose had not expired\.$/);
  });

  it('a file with not one readable record says so, not "height 0" with 0 validators', () => {
    expect(diagnose(readWal(new Uint8Array(0)))).toMatchObject({ cause: 'no-records', sentence: 'Not one record could be read: the file is empty. Nothing to diagnose.' });
    const junk = diagnose(readWal(new TextEncoder().encode('\x89PNG not a WAL at all, long enough to frame')));
    expect(junk.cause).toBe('no-records');
    expect(junk.sentence).toMatch(/^Not one record could be read: it is damaged at its first byte \(.+\)\. Nothing to diagnose\.$/);
  });
});
