// The storage contracts against the in-memory and Node file backends.
import { describe, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privValidatorStateContract, walContract } from './store-contracts.js';
import { MemoryWAL } from './memory-stores.js';
import { MemoryPrivValidatorStateStore } from './priv-validator.js';
import { FileWAL } from '../platform/node/file-wal.js';
import { FilePrivValidatorStateStore } from '../platform/node/file-stores.js';

describe('storage contracts', () => {
  it('WAL: memory', async () => {
    const wal = new MemoryWAL();
    await walContract(async () => wal);
  });
  it('WAL: Node file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'prevote-contract-')), 'wal');
    await walContract(() => FileWAL.open(path));
  });
  it('PrivValidator state: memory', async () => {
    const store = new MemoryPrivValidatorStateStore();
    await privValidatorStateContract(async () => store);
  });
  it('PrivValidator state: Node file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'prevote-contract-')), 'priv_validator_state.json');
    await privValidatorStateContract(async () => new FilePrivValidatorStateStore(path));
  });
});
