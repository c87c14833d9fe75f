// Browser side of the bench's IndexedDB figures: durable (strict) WAL appends through IdbWAL
// against a raw strict put of the same bytes; an own vote's two durable writes (PrivValidator state,
// then the WAL record) as two transactions and as the signing journal's one.
import { openDB } from 'idb';
import { IdbPrivValidatorStateStore, IdbSigningJournal, IdbWAL, openNodeDatabase } from '../src/platform/browser/idb-stores.js';
import { encodeWalRecord } from '../src/core/wal/record.js';
import type { WalRecord } from '../src/core/wal/record.js';
import { SignedMsgType } from '../src/core/types.js';

declare global {
  interface Window {
    benchIdb(n: number): Promise<Record<string, unknown>>;
  }
}

async function latency(n: number, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: times[Math.floor(n / 2)], p99Ms: times[Math.floor(n * 0.99)] };
}

window.benchIdb = async (n) => {
  const record: WalRecord = {
    type: 'msgInfo',
    time: 1700000000000,
    peerId: '',
    msg: {
      kind: 'Vote',
      vote: {
        type: SignedMsgType.Prevote, height: 10, round: 0,
        blockId: { hash: new Uint8Array(32).fill(1), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) } },
        timestamp: { seconds: 1700000000, nanos: 0 }, validatorAddress: new Uint8Array(20).fill(3), validatorIndex: 0,
        signature: new Uint8Array(64).fill(4), extension: new Uint8Array(0), extensionSignature: new Uint8Array(0),
      },
    },
  };
  const bytes = encodeWalRecord(record);
  const raw = await openDB('bench-raw', 1, { upgrade: (db) => db.createObjectStore('s', { autoIncrement: true }) });
  const rawStrict = await latency(n, async () => {
    const tx = raw.transaction('s', 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.add(bytes), tx.done]);
  });
  const wal = new IdbWAL(await openNodeDatabase('bench'));
  const walStrict = await latency(n, () => wal.writeSync(record));
  const walRelaxed = await latency(n, () => wal.write(record));
  const signState = { height: 10, round: 0, step: 2, signature: new Uint8Array(64).fill(4), signBytes: new Uint8Array(120).fill(5) };
  const separateDb = await openNodeDatabase('bench-separate');
  const privval = new IdbPrivValidatorStateStore(separateDb);
  const separateWal = new IdbWAL(separateDb);
  const twoTransactions = await latency(n, async () => {
    await privval.save(signState);
    await separateWal.writeSync(record);
  });
  const journal = new IdbSigningJournal(await openNodeDatabase('bench-journal'));
  const oneTransaction = await latency(n, async () => {
    await journal.save(signState);
    await journal.writeSync(record);
  });
  return {
    rawPutStrict: rawStrict,
    idbWalWriteSync: walStrict,
    idbWalWriteRelaxed: walRelaxed,
    p50RatioToRaw: walStrict.p50Ms / rawStrict.p50Ms,
    ownVote: { privvalThenWal: twoTransactions, signingJournal: oneTransaction, p50Ratio: oneTransaction.p50Ms / twoTransactions.p50Ms },
  };
};
