// The WAL debugger's worker side on the real fixtures: reading in chunks gives readWal's records and
// damage; signature verdicts add up to `prevote wal verify`; the JSON lines are `wal export --json`'s;
// the WAL source keeps the page's event log bounded; and a session answers a drop as the page needs.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readShared, SHARED } from '../../test/shared.js';
import { concat, toHex } from '../core/bytes.js';
import { formatGenesis } from '../core/state/genesis.js';
import { genesisValidatorKeys } from '../core/state/genesis-keys.js';
import { readWal, summarizeWal, verifyWalSignatures } from '../core/wal/inspect.js';
import type { Ed25519Verifier } from '../core/crypto/ed25519.js';
import { nobleVerifier } from '../core/crypto/ed25519.js';
import { encodeWalRecord } from '../core/wal/record.js';
import { Simulation } from '../sim/simulation.js';
import type { FrameMessage, SourceMessage } from './protocol.js';
import type { WalDebuggerMessage } from './wal-debugger.js';
import { walJsonLines } from './wal-json.js';
import { mergedView } from './wal-merged.js';
import { WalDebuggerSession } from './wal-session.js';
import type { WalSessionOptions } from './wal-session.js';
import { rememberingVerifier, signatureVerdicts, VERDICTS } from './wal-signatures.js';
import { recordsBefore, roundsEntered, seekHeightProblem, seekRecordProblem, WalSource } from './wal-source.js';
import { readWalInChunks } from './wal-stream.js';

const FIXTURES = [
  'cometbft/v0.34-beradevnet.wal',
  'cometbft/v0.34-kvstore-a.wal',
  'cometbft/v0.37-stuck-height1.wal',
  'cometbft/v1.0-baseapp.wal',
  'tendermint-v0.10/small_block2.cswal',
];
const bytesOf = (p: string) => new Uint8Array(readShared(`fixtures/wal/${p}`));
const text = (p: string) => readShared(`fixtures/wal/${p}`).toString('utf8');

/** Damaged copies as a disk leaves them: cut mid-record, one byte flipped, garbage after the end. */
function damaged(b: Uint8Array): Record<string, Uint8Array> {
  const flipped = b.slice();
  flipped[Math.floor(b.length / 2)] ^= 0x40;
  return { truncated: b.subarray(0, b.length - 37), flipped, garbage: concat(b, new TextEncoder().encode('garbage after the last record')) };
}

describe('reading in chunks', () => {
  it('gives readWal’s records and damage for every fixture and damaged copy, at any chunk size', () => {
    for (const p of FIXTURES) {
      for (const [how, bytes] of Object.entries({ whole: bytesOf(p), ...damaged(bytesOf(p)) })) {
        const want = readWal(bytes);
        for (const chunk of [97, 4096, 1 << 20]) {
          const reports: number[] = [];
          const got = readWalInChunks(bytes, (done) => reports.push(done), chunk);
          expect(got.corruption, `${p} ${how} ${chunk}`).toEqual(want.corruption);
          expect(got.goodLength).toBe(want.goodLength);
          expect(got.entries.length).toBe(want.entries.length);
          expect(got.entries.map((e) => [e.index, e.offset, e.size])).toEqual(want.entries.map((e) => [e.index, e.offset, e.size]));
          expect(summarizeWal(got)).toEqual(summarizeWal(want));
          expect(reports.at(-1)).toBe(want.format === 'cometbft' && !want.corruption ? bytes.length : reports.at(-1));
          expect([...reports].sort((a, b) => a - b)).toEqual(reports);
        }
      }
    }
  });
});

describe('signature verdicts', () => {
  it('add up to prevote wal verify, and a tampered signature is marked invalid', async () => {
    for (const name of ['v0.34-beradevnet', 'v0.37-stuck-height1']) {
      const file = readWal(bytesOf(`cometbft/${name}.wal`));
      const g = genesisValidatorKeys(text(`cometbft/${name}.genesis.json`));
      const keys = g.keys.map((k) => k.pubKey);
      const { verdicts, report, proposers } = await signatureVerdicts(file, g.chainId!, keys);
      expect(report).toEqual(verifyWalSignatures(file, g.chainId!, keys));
      // each round whose proposal a key verified names that key's validator, once
      const proposed = Object.values(report.byValidator).reduce((n, c) => n + c.proposals.valid, 0);
      expect(proposers.size).toBeGreaterThan(0);
      expect(proposers.size).toBeLessThanOrEqual(proposed);
      for (const a of proposers.values()) expect(Object.keys(report.byValidator)).toContain(a.toUpperCase());
      const marked = [...verdicts].filter((v) => v !== 0).length;
      expect(marked).toBe(file.entries.filter((e) => e.record.type === 'msgInfo' && e.record.msg.kind !== 'BlockPart').length);
    }
    const file = readWal(bytesOf('cometbft/v0.34-beradevnet.wal'));
    const g = genesisValidatorKeys(text('cometbft/v0.34-beradevnet.genesis.json'));
    const vote = file.entries.find((e) => e.record.type === 'msgInfo' && e.record.msg.kind === 'Vote')!;
    const r = vote.record;
    if (r.type === 'msgInfo' && r.msg.kind === 'Vote') r.msg.vote.signature = r.msg.vote.signature.map((b, i) => (i === 0 ? b ^ 1 : b));
    const { verdicts, report } = await signatureVerdicts(file, g.chainId!, g.keys.map((k) => k.pubKey));
    expect(VERDICTS[verdicts[vote.index]]).toBe('invalid');
    expect(Object.values(report.byValidator)[0].votes.invalid).toBe(1);
  });
});

describe('JSON lines', () => {
  it('are byte for byte `prevote wal export --json`', () => {
    for (const p of ['cometbft/v1.0-baseapp.wal', 'tendermint-v0.10/small_block2.cswal']) {
      const cli = execFileSync('node', ['bin/prevote.js', 'wal', 'export', `${SHARED}fixtures/wal/${p}`, '--json'], { encoding: 'utf8' });
      expect(walJsonLines(readWal(bytesOf(p)))).toBe(cli);
    }
  });
});

describe('the WAL source for the debugger', () => {
  it('keeps at most twice its window of events on the page, goes back, and seeks to a height/round', () => {
    const file = readWal(bytesOf('cometbft/v0.37-stuck-height1.wal'));
    const src = new WalSource(file, { node: 'n', window: 100 });
    const msgs: SourceMessage[] = [];
    src.onMessage((m) => msgs.push(m));
    let held = 0;
    const last = () => msgs.at(-1) as FrameMessage;
    for (let i = 0; i < 450; i++) {
      src.send({ type: 'step' });
      const m = last();
      held = m.reset ? m.events.length : held + m.events.length;
      expect(held).toBeLessThanOrEqual(200);
    }
    expect(last().frame.steps).toBe(450);
    src.send({ type: 'back' });
    expect(last()).toMatchObject({ reset: true, frame: { steps: 449 } });
    expect(last().events).toHaveLength(100);
    const at = recordsBefore(file.entries, 1, 7);
    const r = file.entries[at].record;
    expect(r.type === 'roundState' && r.event.round).toBe(7);
    src.send({ type: 'seekHeight', height: 1, round: 7 });
    expect(last().frame).toMatchObject({ steps: at + 1, roundState: { height: 1, round: 7 } });
  });

  it('"go to height/round" knows where it can go: the heights and rounds the node entered, and why not elsewhere', () => {
    const stuck = roundsEntered(readWal(bytesOf('cometbft/v0.37-stuck-height1.wal')).entries);
    expect(stuck).toEqual([{ height: 1, rounds: Array.from({ length: 45 }, (_, r) => r) }]);
    expect(seekHeightProblem(stuck, 1, 44)).toBeNull();
    expect(seekHeightProblem(stuck, 1, 150)).toBe('height 1 has rounds 0–44 in this WAL, not round 150');
    expect(seekHeightProblem(stuck, 2, 0)).toBe('no height 2 in this WAL: it shows height 1');
    expect(seekHeightProblem(stuck, 1.5, 0)).toBe('height 1.5 is not a height: height and round are whole numbers, 0 or more');
    expect(seekHeightProblem(stuck, 1, -1)).toBe('round -1 is not a round: height and round are whole numbers, 0 or more');
    // a chain restarted from older state enters heights again: one entry each, their rounds merged
    const restarted = roundsEntered(readWal(bytesOf('cometbft/v0.34-kvstore-b.wal')).entries);
    expect(restarted.map((r) => r.height)).toEqual(Array.from({ length: 341 }, (_, i) => i + 1));
    expect(seekHeightProblem(restarted, 342, 0)).toBe('no height 342 in this WAL: it shows heights 1–341');
    expect(seekHeightProblem(restarted, 5, 1)).toBe('height 5 has round 0 in this WAL, not round 1');
    expect(seekHeightProblem([], 1, 0)).toBe('this WAL records no round the node entered');
    // a node that jumped rounds (+2/3 of a later round) never entered the ones between
    const jumped = [{ height: 7, rounds: [0, 1, 2, 5, 7, 8, 9] }];
    expect(seekHeightProblem(jumped, 7, 3)).toBe('height 7 has rounds 0–2, 5, 7–9 in this WAL, not round 3');
    expect(seekHeightProblem(jumped, 7, 5)).toBeNull();
  });

  it('"go to record" says which positions there are rather than clamp a bad one', () => {
    expect(seekRecordProblem(2004, '0')).toBeNull();
    expect(seekRecordProblem(2004, '2004')).toBeNull();
    // the number field reads an exponent: 1e3 is record 1000
    expect(seekRecordProblem(2004, '1e3')).toBeNull();
    expect(seekRecordProblem(2004, '2005')).toBe('this WAL has 2004 records: 0 to 2004 records applied, not 2005');
    expect(seekRecordProblem(2004, '99999999999')).toBe('this WAL has 2004 records: 0 to 2004 records applied, not 99999999999');
    expect(seekRecordProblem(2004, '12.5')).toBe('records applied is a whole number from 0 to 2004, not 12.5');
    expect(seekRecordProblem(2004, '-3')).toBe('records applied is a whole number from 0 to 2004, not -3');
    expect(seekRecordProblem(2004, '1e300')).toBe('this WAL has 2004 records: 0 to 2004 records applied, not 1e300');
    expect(seekRecordProblem(2004, 'Infinity')).toBe('records applied is a whole number from 0 to 2004, not Infinity');
    expect(seekRecordProblem(2004, ' ')).toBe('which record? 0 (the start) to 2004 records applied');
  });
});

/** A session with its messages collected. */
function session(opts: WalSessionOptions = {}) {
  const msgs: WalDebuggerMessage[] = [];
  const s = new WalDebuggerSession((m) => msgs.push(m), { window: 500, chunk: 64 * 1024, ...opts });
  const of = <T extends WalDebuggerMessage['type']>(type: T) => msgs.filter((m): m is Extract<WalDebuggerMessage, { type: T }> => m.type === type);
  return { s, msgs, of };
}

describe('remembered verdicts', () => {
  it('the same check is made once, across files; another message, key or signature is checked anew', async () => {
    const calls: string[] = [];
    const inner: Ed25519Verifier = {
      verify: async (k, m) => (calls.push(`verify ${k[0]} ${m[0]}`), m[0] === 1),
      verifyBatch: async () => [],
      verifyStrict: async (k, m) => (calls.push(`strict ${k[0]} ${m[0]}`), false),
    };
    const v = rememberingVerifier(inner);
    const [k1, k2, sig] = [new Uint8Array([1]), new Uint8Array([2]), new Uint8Array(64)];
    expect(await v.verify(k1, new Uint8Array([1]), sig)).toBe(true);
    expect(await v.verifyBatch([{ pubKey: k1, message: new Uint8Array([1]), signature: sig }, { pubKey: k1, message: new Uint8Array([2]), signature: sig }])).toEqual([true, false]);
    expect(await v.verify(k2, new Uint8Array([1]), sig)).toBe(true);
    expect(await v.verifyStrict!(k1, new Uint8Array([1]), sig)).toBe(false);
    expect(await v.verifyStrict!(k1, new Uint8Array([1]), sig)).toBe(false);
    expect(calls).toEqual(['verify 1 1', 'verify 1 2', 'verify 2 1', 'strict 1 1']);
  });

  it('four nodes’ WALs of one chain: each vote checked once for the session, the reports as if alone', async () => {
    const sim = new Simulation({ validators: 4, heights: 3, seed: 5, config: { timeoutCommit: 100 } });
    await sim.run();
    const genesis = new TextEncoder().encode(formatGenesis(sim.genesis));
    const wals = sim.nodes.map((n, i) => ({ name: `n${i}.wal`, data: concat(...n.wal.records.map(encodeWalRecord)) }));
    let checks = 0;
    const counting: Ed25519Verifier = { ...nobleVerifier, verify: async (k, m, sig) => (checks++, nobleVerifier.verify(k, m, sig)), verifyBatch: async (items) => (checks += items.length, nobleVerifier.verifyBatch(items)) };
    const { s, of } = session({ verifier: counting });
    await s.handle({ type: 'open', files: [...wals, { name: 'genesis.json', data: genesis }] });
    const reports = of('signatures').map((m) => m.report);
    expect(reports).toHaveLength(4);
    const keys = genesisValidatorKeys(formatGenesis(sim.genesis)).keys.map((k) => k.pubKey);
    for (const [i, w] of wals.entries()) expect(reports[i]).toEqual(verifyWalSignatures(readWal(w.data), sim.genesis.chainId, keys));
    const votes = new Set(sim.nodes.flatMap((n) => n.wal.records.filter((r) => r.type === 'msgInfo' && r.msg.kind === 'Vote').map((r) => toHex((r as { msg: { vote: { signature: Uint8Array } } }).msg.vote.signature))));
    expect(checks).toBe(votes.size);
  });
});

describe('a debugging session', () => {
  it('reads a WAL and its genesis: summary, verdicts, diagnosis, frames and the records around', async () => {
    const { s, of } = session();
    const name = 'v0.37-stuck-height1';
    await s.handle({ type: 'open', files: [{ name: `${name}.wal`, data: new Blob([bytesOf(`cometbft/${name}.wal`)]) }, { name: `${name}.genesis.json`, data: bytesOf(`cometbft/${name}.genesis.json`) }] });
    const files = of('files').at(-1)!;
    expect(files.busy).toBe(false);
    expect(files.files).toHaveLength(1);
    expect(files.files[0]).toMatchObject({ name: `${name}.wal`, format: 'cometbft', genesis: `${name}.genesis.json` });
    expect(files.files[0].summary).toEqual(summarizeWal(readWal(bytesOf(`cometbft/${name}.wal`))));
    expect(files.genesis).toEqual([{ name: `${name}.genesis.json`, chainId: 'mainnet', keys: 1, error: null }]);
    expect(of('progress').filter((p) => p.phase === 'scan').at(-1)).toMatchObject({ done: 263143, total: 263143 });
    expect(of('signatures')[0].report.unknownKeyVotes).toBe(426);
    expect(of('diagnosis').at(-1)!.diagnosis).toMatchObject({ height: 1, committed: false, cause: 'rejected-proposals' });
    expect(of('merged').at(-1)!.merged!.lanes[0].corrected).toHaveLength(2004);
    // watched: the state before the first record, and the records after it
    await s.handle({ type: 'watch', file: 0 });
    expect(of('frame').at(-1)).toMatchObject({ file: 0, reset: true, frame: { steps: 0 } });
    // entering height 1, before any vote: the genesis' one validator is a column already
    await s.handle({ type: 'source', file: 0, cmd: { type: 'seekHeight', height: 1, round: 0 } });
    const entered = of('frame').at(-1)!.frame.roundState!;
    expect(entered.height).toBe(1);
    expect(entered.votes[0].prevotes.bitArray).toEqual({ size: 1, indices: [] });
    // …with the genesis' address and name, before any vote carried them
    expect(entered.validators).toEqual([{ address: 'aff04d2f55237357f5dda26dd0b825f4108f8a2d', votingPower: '1000000', proposerPriority: '0', name: 'genesis' }]);
    // the round's proposal verified under the genesis' key: its validator is the proposer
    await s.handle({ type: 'source', file: 0, cmd: { type: 'seekHeight', height: 1, round: 7 } });
    expect(of('frame').at(-1)!.frame.roundState).toMatchObject({ height: 1, round: 7, proposer: 'aff04d2f55237357f5dda26dd0b825f4108f8a2d' });
    await s.handle({ type: 'source', file: 0, cmd: { type: 'seekRecord', records: 40 } });
    const lines = of('lines').at(-1)!;
    expect(lines).toMatchObject({ file: 0, applied: 40, total: 2004 });
    expect(lines.lines.map((l) => l.index)).toEqual(Array.from({ length: 14 }, (_, i) => 34 + i));
    expect(lines.lines.filter((l) => l.kind === 'Vote' || l.kind === 'Proposal').every((l) => l.verdict !== null)).toBe(true);
    await s.handle({ type: 'export', file: 0 });
    expect(of('export')[0].text.split('\n')).toHaveLength(2005);
  });

  it('with a genesis of unequal powers, the vote sets count power, not voters', async () => {
    // 4 validators of powers 10, 20, 30, 40: the +2/3 line is at power 67, not at 3 voters
    const sim = new Simulation({ validators: 4, heights: 2, seed: 4, powers: [10, 20, 30, 40], config: { timeoutCommit: 100 } });
    await sim.run();
    const wal = concat(...sim.nodes[0].wal.records.map(encodeWalRecord));
    const { s, of } = session();
    await s.handle({ type: 'open', files: [{ name: 'n0.wal', data: wal }, { name: 'genesis.json', data: new TextEncoder().encode(formatGenesis(sim.genesis)) }] });
    await s.handle({ type: 'watch', file: 0 });
    await s.handle({ type: 'source', file: 0, cmd: { type: 'seekHeight', height: 2, round: 0 } });
    // every record of height 1 applied: its precommits are all in, each validator with its power
    const ended = sim.nodes[0].wal.records.findIndex((r) => r.type === 'endHeight' && r.height === 1);
    await s.handle({ type: 'source', file: 0, cmd: { type: 'seekRecord', records: ended } });
    const rs = of('frame').at(-1)!.frame.roundState!;
    expect(rs.height).toBe(1);
    const byAddress = new Map(sim.genesis.validators.map((v) => [toHex(v.address), String(v.power)]));
    expect(rs.validators.map((v) => v.votingPower)).toEqual(rs.validators.map((v) => byAddress.get(v.address)));
    const precommits = rs.votes.find((v) => v.precommits.twoThirdsMajority)!.precommits;
    const voted = precommits.bitArray.indices.reduce((a, i) => a + Number(rs.validators[i].votingPower), 0);
    expect(precommits.sum).toBe(String(voted));
    expect(3 * voted).toBeGreaterThan(2 * 100);
  });

  it('keeps same-named WALs apart, merges them, and never throws', async () => {
    const sim = new Simulation({ validators: 4, heights: 2, seed: 3, config: { timeoutCommit: 100 } });
    await sim.run();
    const off = [0, 4000, -2500, 300];
    const wals = sim.nodes.map((n, i) => concat(...n.wal.records.map((r) => encodeWalRecord({ ...r, time: r.time + off[i] }))));
    const { s, of } = session();
    await s.handle({ type: 'open', files: wals.map((data) => ({ name: 'wal', data })) });
    expect(of('files').at(-1)!.files.map((f) => f.name)).toEqual(['wal', 'wal #2', 'wal #3', 'wal #4']);
    const merged = of('merged').at(-1)!.merged!;
    expect(merged.links).toBeGreaterThan(20);
    expect(merged.early).toBe(0);
    merged.skew.forEach((k, i) => expect(Math.abs(k! - off[i])).toBeLessThan(50));
    // a receipt's record names its send
    const lane = merged.lanes[1];
    const receipt = lane.sentLane.findIndex((x) => x >= 0);
    await s.handle({ type: 'record', file: 1, index: receipt });
    expect(of('record')[0].sentBy).toMatchObject({ file: lane.sentLane[receipt], line: { index: lane.sentIndex[receipt] } });
    // not a WAL, an unknown file id: reported or ignored
    await s.handle({ type: 'open', files: [{ name: 'photo.png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8, 9]) }] });
    expect(of('files').at(-1)!.files.at(-1)!.summary).toMatchObject({ records: 0, corruption: { index: 0, offset: 0 } });
    await s.handle({ type: 'source', file: 99, cmd: { type: 'step' } });
    await s.handle({ type: 'clear' });
    expect(of('files').at(-1)!.files).toEqual([]);
  });

  it('the merged view orders every receipt after its send', () => {
    const files = [0, 1].map((i) => ({ node: `n${i}`, file: readWal(bytesOf('cometbft/v1.0-baseapp.wal')) }));
    const m = mergedView(files);
    expect(m.lanes.map((l) => l.kinds.length)).toEqual([14, 14]);
    expect(m.early).toBe(0);
  });
});
