// Fuzz targets: hostile input for every reader at the project's edges, made by mutating real input
// (fixture WALs and genesis files, valid messages, transactions, share links) so that the damage
// lands deep inside the formats, not just at their first byte. Every target must refuse bad input
// with a typed error (PrevoteError) or a returned error value; any other exception is a bug.
// `scripts/fuzz.test.ts` runs a small seeded budget of each; `npm run soak` runs them for a while.
import fc from 'fast-check';
import { readShared } from './shared.js';
import { PrevoteError } from '../src/core/errors.js';
import { RoundStepType, SignedMsgType } from '../src/core/types.js';
import { BitArray } from '../src/core/bits/bit-array.js';
import { concat, utf8 } from '../src/core/bytes.js';
import type { ConsensusMessage } from '../src/core/encoding/messages.js';
import { decodeMessage, encodeMessage } from '../src/core/encoding/messages.js';
import { frame } from '../src/core/wal/framing.js';
import type { OutgoingBlocksyncMessage } from '../src/core/encoding/blocksync.js';
import { decodeBlocksyncMessage, encodeBlocksyncMessage } from '../src/core/encoding/blocksync.js';
import { readWal, summarizeWal } from '../src/core/wal/inspect.js';
import { diagnose } from '../src/observe/diagnosis.js';
import { genesisState, parseGenesis } from '../src/core/state/genesis.js';
import { genesisValidatorKeys } from '../src/core/state/genesis-keys.js';
import { KVStoreApp, validatorTx } from '../src/core/app/kvstore.js';
import { decodeShare, encodeShare } from '../src/ui/url.js';
import { LESSONS } from '../src/ui/lessons.js';
import type { Scenario } from '../src/core/scenario.js';

export interface FuzzTarget<I = unknown> {
  name: string;
  inputs: fc.Arbitrary<I>;
  /** Feeds one input: true when it was refused with a returned error value; throws what the code threw. */
  run(input: I): boolean;
  /** The input as a file, to reproduce a failure with. */
  bytes(input: I): Uint8Array;
}

export type Outcome = { kind: 'accepted' | 'typed' } | { kind: 'untyped'; error: unknown };

export function attempt<I>(t: FuzzTarget<I>, input: I): Outcome {
  try {
    return { kind: t.run(input) ? 'typed' : 'accepted' };
  } catch (e) {
    return e instanceof PrevoteError ? { kind: 'typed' } : { kind: 'untyped', error: e };
  }
}

/** Runs each call; true if any threw a typed error (rethrows anything else). */
function refused(...calls: (() => unknown)[]): boolean {
  let any = false;
  for (const call of calls) {
    try {
      call();
    } catch (e) {
      if (!(e instanceof PrevoteError)) throw e;
      any = true;
    }
  }
  return any;
}

// --- byte mutations: bit flips, bytes that mean something to varints and JSON, truncation,
// insertion, deletion; positions are taken modulo the length
type Edit = { op: 'flip'; at: number; mask: number } | { op: 'set'; at: number; byte: number } | { op: 'cut'; at: number } | { op: 'insert'; at: number; junk: Uint8Array } | { op: 'delete'; at: number; len: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x22, 0x2c, 0x7b, 0x7d, 0x5d, 0xf4) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
);
const edits = fc.array(edit, { minLength: 1, maxLength: 4 });

function applyEdits(bytes: Uint8Array, list: Edit[]): Uint8Array {
  let b = bytes.slice();
  for (const e of list) {
    const at = e.at % (b.length + 1);
    if (e.op === 'flip' && at < b.length) b[at] ^= e.mask;
    else if (e.op === 'set' && at < b.length) b[at] = e.byte;
    else if (e.op === 'cut') b = b.slice(0, at);
    else if (e.op === 'insert') b = concat(b.subarray(0, at), e.junk, b.subarray(at));
    else if (e.op === 'delete') b = concat(b.subarray(0, at), b.subarray(at + e.len));
  }
  return b;
}

/** Mutants of the corpus, and now and then plain random bytes. */
function mutants(corpus: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 9, arbitrary: fc.tuple(fc.constantFrom(...corpus), edits).map(([b, e]) => applyEdits(b, e)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
}

// --- JSON structure mutations: a value of the wrong type (or a missing one) somewhere in the tree
type JsonEdit = { pick: number; focus: boolean; del: boolean; value: unknown };
const wrongValue = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53, '', 'x', '-1', '0x10', '99999999999999999999', '1e400', 'not base64!', '2024-13-45T99:99:99Z', [], {}, [[]]),
  fc.jsonValue({ maxDepth: 2 }),
);
const jsonEdits = fc.array(fc.record({ pick: fc.nat(), focus: fc.boolean(), del: fc.boolean(), value: wrongValue }), { minLength: 1, maxLength: 3 });

/** Applies the edits to a copy of `doc`; with `focus`, an edit picks among the paths `focus` matches. */
function mutateJson(doc: unknown, list: JsonEdit[], focus?: RegExp): unknown {
  const root = { v: structuredClone(doc) as unknown };
  for (const e of list) {
    const slots: [Record<string, unknown>, string, string][] = [];
    const walk = (parent: Record<string, unknown>, key: string, path: string) => {
      slots.push([parent, key, path]);
      const v = parent[key];
      if (v && typeof v === 'object') for (const k of Object.keys(v)) walk(v as Record<string, unknown>, k, `${path}.${k}`);
    };
    walk(root, 'v', '');
    const focused = focus && e.focus ? slots.filter(([, , p]) => focus.test(p)) : [];
    const pool = focused.length ? focused : slots;
    const [parent, key] = pool[e.pick % pool.length];
    if (e.del && parent !== root) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else parent[key] = structuredClone(e.value);
  }
  return root.v;
}

// --- the targets
const fixture = (path: string): Uint8Array => new Uint8Array(readShared(`fixtures/wal/${path}`));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function messageCorpus(): Uint8Array[] {
  const msgs: ConsensusMessage[] = [];
  for (const path of ['cometbft/v1.0-baseapp.wal', 'cometbft/v0.37-stuck-height1.wal']) {
    const file = readWal(fixture(path));
    if (file.format !== 'cometbft') continue;
    for (const e of file.entries.slice(0, 300)) if (e.record.type === 'msgInfo') msgs.push(e.record.msg);
  }
  const vote = msgs.find((m) => m.kind === 'Vote');
  const blockId = vote?.kind === 'Vote' ? vote.vote.blockId : { hash: new Uint8Array(32).fill(7), partSetHeader: { total: 2, hash: new Uint8Array(32).fill(8) } };
  msgs.push(
    { kind: 'NewRoundStep', height: 9, round: 0, step: RoundStepType.NewHeight, secondsSinceStartTime: 3, lastCommitRound: -1 },
    { kind: 'NewValidBlock', height: 9, round: 2, blockPartSetHeader: blockId.partSetHeader, blockParts: BitArray.fromIndices(2, [1]), isCommit: true },
    { kind: 'ProposalPOL', height: 9, proposalPolRound: 1, proposalPol: BitArray.fromIndices(70, [0, 64, 69]) },
    { kind: 'HasVote', height: 9, round: 2, type: SignedMsgType.Prevote, index: 0 },
    { kind: 'VoteSetMaj23', height: 9, round: 2, type: SignedMsgType.Prevote, blockId },
    { kind: 'VoteSetBits', height: 9, round: 2, type: SignedMsgType.Precommit, blockId, votes: BitArray.fromIndices(4, [1, 3]) },
    { kind: 'HasProposalBlockPart', height: 9, round: 2, index: 1 },
  );
  // a few of each kind: the WALs' messages differ in values, not in shape
  const count: Record<string, number> = {};
  return msgs.filter((m) => (count[m.kind] = (count[m.kind] ?? 0) + 1) <= 4).map(encodeMessage);
}

const messages: FuzzTarget<Uint8Array> = {
  name: 'message decoder',
  inputs: mutants(messageCorpus()),
  run: (bytes) => refused(() => decodeMessage(bytes)),
  bytes: (b) => b,
};

/** Block sync's five messages, a BlockResponse carrying real block bytes (a one-part block of a fixture WAL). */
function blocksyncCorpus(): Uint8Array[] {
  const out: OutgoingBlocksyncMessage[] = [
    { kind: 'StatusRequest' },
    { kind: 'StatusResponse', height: 120, base: 1 },
    { kind: 'BlockRequest', height: 7 },
    { kind: 'NoBlockResponse', height: 300 },
  ];
  const file = readWal(fixture('cometbft/v1.0-baseapp.wal'));
  for (const e of file.format === 'cometbft' ? file.entries : []) {
    const r = e.record;
    if (r.type === 'msgInfo' && r.msg.kind === 'BlockPart' && r.msg.part.proof.total === 1 && out.length < 8) out.push({ kind: 'BlockResponse', blockBytes: r.msg.part.bytes });
  }
  return out.map(encodeBlocksyncMessage);
}

const blocksync: FuzzTarget<Uint8Array> = {
  name: 'block sync decoder',
  inputs: mutants(blocksyncCorpus()),
  run: (bytes) => refused(() => decodeBlocksyncMessage(bytes)),
  bytes: (b) => b,
};

/**
 * A WAL reader's input: a run of up to 16 whole records cut from a fixture, then damaged as bytes,
 * or with one record rebuilt around damaged contents (re-framed with a good checksum, or a JSON line
 * with a wrong-typed field) so that the record decoders behind the framing see it too.
 */
function walInputs(paths: string[], remake: (record: Uint8Array, e: Edit[], j: JsonEdit[]) => Uint8Array): fc.Arbitrary<Uint8Array> {
  const files = paths.map((p) => {
    const bytes = fixture(p);
    const file = readWal(bytes);
    const starts = [...file.entries.map((e) => e.offset), file.goodLength];
    return { bytes, starts };
  });
  const spec = fc.record({ file: fc.nat(), start: fc.nat(), count: fc.integer({ min: 1, max: 16 }), rebuild: fc.nat(), inside: fc.boolean(), edits, json: jsonEdits });
  return fc.oneof(
    { weight: 19, arbitrary: spec.map((s) => {
      const { bytes, starts } = files[s.file % files.length];
      const records = starts.length - 1;
      const first = s.start % records;
      const last = Math.min(records, first + s.count);
      if (!s.inside) return applyEdits(bytes.subarray(starts[first], starts[last]), s.edits);
      const k = first + (s.rebuild % (last - first));
      return concat(bytes.subarray(starts[first], starts[k]), remake(bytes.subarray(starts[k], starts[k + 1]), s.edits, s.json), bytes.subarray(starts[k + 1], starts[last]));
    }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
}

/** A WAL reader must report damage as `corruption`, never throw; the summary and the diagnosis must cope with what was read. */
const readsWal = (bytes: Uint8Array): boolean => {
  const file = readWal(bytes);
  summarizeWal(file);
  diagnose(file);
  return file.corruption !== null;
};

const walComet: FuzzTarget<Uint8Array> = {
  name: 'WAL reader (CometBFT)',
  inputs: walInputs(['cometbft/v1.0-baseapp.wal', 'cometbft/v0.37-stuck-height1.wal', 'cometbft/v0.34-kvstore-a.wal', 'cometbft/v0.34-kvstore-b.wal', 'cometbft/v0.34-beradevnet.wal'], (record, e) =>
    frame(applyEdits(record.subarray(8), e)),
  ),
  run: readsWal,
  bytes: (b) => b,
};

const walV010: FuzzTarget<Uint8Array> = {
  name: 'WAL reader (Tendermint v0.10)',
  inputs: walInputs(['tendermint-v0.10/empty_block.cswal', 'tendermint-v0.10/small_block1.cswal', 'tendermint-v0.10/small_block2.cswal', 'tendermint-v0.10/many_blocks.cswal'], (record, e, j) => {
    try {
      return utf8(`${JSON.stringify(mutateJson(JSON.parse(text(record)), j, /\.msg/))}\n`);
    } catch {
      return applyEdits(record, e); // a marker line, not JSON
    }
  }),
  run: readsWal,
  bytes: (b) => b,
};

/** CometBFT genesis files, a Cosmos SDK one with gen_txs, and a Tendermint v0.10-style key (hex `data`). */
function genesisCorpus(): string[] {
  const stuck = readShared('fixtures/wal/cometbft/v0.37-stuck-height1.genesis.json').toString();
  const bera = readShared('fixtures/wal/cometbft/v0.34-beradevnet.genesis.json').toString();
  const old = JSON.parse(stuck);
  old.validators = [{ pub_key: { type: 'ed25519', data: 'DE122940DF9E20E7F6A892A632D7B48CA5F6EB5E7A21F91259C1A041C70FAB2E' }, amount: 10, name: 'v0.10' }];
  return [stuck, bera, JSON.stringify(old)];
}

const genesis: FuzzTarget<string> = (() => {
  const corpus = genesisCorpus();
  const docs = corpus.map((t) => JSON.parse(t) as unknown);
  // the fields the parsers read, so that most structural edits land where they look
  const focus = /^\.(chain_id|genesis_time|initial_height|app_hash|consensus_params(\.block.*)?|validators.*|app_state(\.genutil(\.gen_txs.*)?)?)$/;
  return {
    name: 'genesis parser',
    inputs: fc.oneof(
      fc.tuple(fc.nat(), jsonEdits).map(([i, j]) => JSON.stringify(mutateJson(docs[i % docs.length], j, focus))),
      fc.tuple(fc.constantFrom(...corpus), edits).map(([t, e]) => text(applyEdits(utf8(t), e))),
    ),
    run: (t) => refused(() => genesisState(parseGenesis(t)), () => genesisValidatorKeys(t)),
    bytes: utf8,
  };
})();

const app: FuzzTarget<Uint8Array[]> = (() => {
  const kv = new KVStoreApp();
  const key = new Uint8Array(32).fill(3);
  const txs: Uint8Array[] = ['key=value', 'a=', '=x', 'ключ=значение', 'val:!1', 'val:AAAA!5'].map(utf8);
  txs.push(validatorTx(key, 10n), validatorTx(key, 0n), Uint8Array.of(0x6b, 0x3d, 0xf4, 0x90, 0x80, 0x80));
  return {
    name: 'kvstore CheckTx/ProcessProposal',
    inputs: fc.array(mutants(txs), { minLength: 1, maxLength: 8 }),
    run: (list) => {
      const refusedTxs = list.filter((tx) => kv.checkTx(tx).code !== 0).length;
      return !kv.processProposal({ txs: list }) || refusedTxs > 0;
    },
    bytes: (list) => utf8(JSON.stringify(list.map((tx) => Array.from(tx)))),
  };
})();

const shareLink: FuzzTarget<string> = (() => {
  const scenarios: [string | null, Scenario][] = LESSONS.flatMap((l) => [[l.id, l.scenario], [null, l.scenario]] as [string | null, Scenario][]);
  const links = scenarios.map(([id, s]) => encodeShare(id, s));
  return {
    name: 'share-link decoder',
    inputs: fc.oneof(
      fc.tuple(fc.nat(), fc.option(fc.string({ maxLength: 12 })), jsonEdits).map(([i, id, j]) => {
        const [lesson, s] = scenarios[i % scenarios.length];
        return encodeShare(id ?? lesson, mutateJson(s, j) as Scenario);
      }),
      fc.tuple(fc.constantFrom(...links), edits).map(([l, e]) => text(applyEdits(utf8(l), e))),
      fc.string({ maxLength: 80 }).map((s) => `#${s}`),
    ),
    run: (hash) => decodeShare(hash).error !== null,
    bytes: utf8,
  };
})();

/** Every target, with the runs each gets in `npm test` (a few seconds in all). */
export const TARGETS: { target: FuzzTarget; testRuns: number }[] = [
  { target: messages, testRuns: 3000 },
  { target: blocksync, testRuns: 1000 },
  { target: walComet, testRuns: 300 },
  { target: walV010, testRuns: 300 },
  { target: genesis, testRuns: 300 },
  { target: app, testRuns: 1000 },
  { target: shareLink, testRuns: 1000 },
];
