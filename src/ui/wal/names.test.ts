// A classroom node's WAL read beside its genesis names every validator as the classroom does: the
// Inspector's proposer is the validator whose key verified the proposal, and the WAL's own node is
// the genesis' name for the address its votes carry, not the file's name.
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../core/bytes.js';
import { formatGenesis } from '../../core/state/genesis.js';
import { encodeWalRecord } from '../../core/wal/record.js';
import type { WalDebuggerMessage } from '../../observe/wal-debugger.js';
import { WalDebuggerSession } from '../../observe/wal-session.js';
import { Simulation } from '../../sim/simulation.js';
import { nameOfAddress, validatorNames } from '../names.js';

describe('names in a WAL read beside its genesis', () => {
  it('the proposer is the validator that signed the proposal, and the WAL’s node its genesis name', async () => {
    const sim = new Simulation({ validators: 4, heights: 4, seed: 5, config: { timeoutCommit: 100 } });
    await sim.run();
    const truth = new Map(sim.nodes.map((n) => [toHex(n.address), n.name]));
    const wal = concat(...sim.nodes[0].wal.records.map(encodeWalRecord));
    const msgs: WalDebuggerMessage[] = [];
    const s = new WalDebuggerSession((m) => msgs.push(m));
    await s.handle({ type: 'open', files: [{ name: 'n0.wal', data: wal }, { name: 'genesis.json', data: new TextEncoder().encode(formatGenesis(sim.genesis)) }] });
    await s.handle({ type: 'watch', file: 0 });
    const proposers: string[] = [];
    for (const height of [1, 2, 3, 4]) {
      // the Commit step: the round's proposal is in and verified
      const commit = sim.nodes[0].wal.records.findIndex((r) => r.type === 'roundState' && r.event.height === height && r.event.step === 'RoundStepCommit');
      await s.handle({ type: 'source', file: 0, cmd: { type: 'seekRecord', records: commit + 1 } });
      const reset = msgs.filter((m): m is Extract<WalDebuggerMessage, { type: 'frame' }> => m.type === 'frame' && m.reset).at(-1)!;
      const { frame, events } = reset;
      const rs = frame.roundState!;
      expect(rs.height).toBe(height);
      expect(frame.nodes[0]).toMatchObject({ id: 'n0.wal', name: 'n0', address: toHex(sim.nodes[0].address) });
      const names = validatorNames(frame, rs, events);
      // every column is named after the node that signs with its address
      expect(names.map((v) => v.name)).toEqual(rs.validators.map((v) => truth.get(v.address)));
      const proposer = nameOfAddress(names, frame, events, rs.proposer);
      expect(proposer).toBe(truth.get(rs.proposer));
      proposers.push(proposer);
    }
    // the proposer rotates: at most one of the heights is n0's own
    expect(proposers.filter((p) => p !== 'n0').length).toBeGreaterThanOrEqual(3);
  });
});
