// The oracles every simulation ends with (catalogue §0.3): AGREE, VALID, NO-DS and LIVE.
import { blockIdKey, blockIdShort } from '../core/blockid.js';
import { KVStoreApp } from '../core/app/kvstore.js';
import { genesisState } from '../core/state/genesis.js';
import { applyBlock, blockHash, validateBlock } from '../core/state/execution.js';
import { SignatureCache } from '../node/signature-cache.js';
import { bytesEqual, toHex } from '../core/bytes.js';
import type { CheckedRun, SimNode } from './sim-node.js';
import type { ChainState } from '../core/state/chain-state.js';

/**
 * How far (heights) a live correct node may trail the highest one when a gossiping run ends: the
 * head may commit while the others are still gathering its precommits, and no more.
 */
export const MAX_LAG = 2;


export interface CheckResult {
  ok: boolean;
  details: string[];
}

export interface CheckReport {
  ok: boolean;
  agreement: CheckResult;
  validity: CheckResult;
  noDoubleSign: CheckResult;
  liveness: CheckResult;
}

export function runCheckers(sim: CheckedRun): CheckReport {
  const agreement = checkAgreement(sim);
  const validity = checkValidity(sim);
  const noDoubleSign = checkNoDoubleSign(sim);
  const liveness = checkLiveness(sim);
  return { ok: agreement.ok && validity.ok && noDoubleSign.ok && liveness.ok, agreement, validity, noDoubleSign, liveness };
}

/** AGREE: no two correct nodes store different blocks at one height. */
export function checkAgreement(sim: CheckedRun): CheckResult {
  const details: string[] = [];
  const top = Math.max(0, ...sim.nodes.map((n) => n.blockStore.height()));
  for (let h = 1; h <= top; h++) {
    const seen = new Map<string, string[]>();
    for (const i of sim.correctIndices()) {
      const meta = sim.nodes[i].blockStore.loadBlockMeta(h);
      if (!meta) continue;
      const k = toHex(meta.blockId.hash);
      seen.set(k, [...(seen.get(k) ?? []), sim.nodes[i].name]);
    }
    if (seen.size > 1) details.push(`height ${h}: ${[...seen].map(([k, ns]) => `${k.slice(0, 12)} by ${ns.join(',')}`).join(' vs ')}`);
  }
  return { ok: details.length === 0, details };
}

/**
 * VALID: each correct node's chain replays from genesis through an independent validator and app
 * (every block valid on top of the one before, same app hash), and no correct node halted.
 *
 * Each distinct chain is replayed once. A block's hash fixes every block before it (each header
 * names the last block), so the state after a block can be kept by its BlockID. The longest
 * chains go first; a node whose blocks are all known reuses their states, and one that leaves
 * them (a fork) is replayed from genesis with an app of its own.
 */
export function checkValidity(sim: CheckedRun): CheckResult {
  const checker = new SignatureCache(null);
  const known = new Map<string, { state: ChainState } | { err: string }>();
  const found = new Map<SimNode, string[]>();
  const correct = sim.correctIndices().map((i) => sim.nodes[i]);
  for (const sn of [...correct].sort((a, b) => b.blockStore.height() - a.blockStore.height())) {
    const details: string[] = [];
    if (sn.node?.failure) details.push(`${sn.name} halted: ${sn.node.failure.message}`);
    const state = replayChain(sim, sn, known, checker, details);
    const saved = sn.stateStore.load();
    if (saved && saved.lastBlockHeight === state.lastBlockHeight && !bytesEqual(saved.appHash, state.appHash)) {
      details.push(`${sn.name}: app hash ${toHex(saved.appHash)} differs from the replayed ${toHex(state.appHash)}`);
    }
    found.set(sn, details);
  }
  const details = correct.flatMap((sn) => found.get(sn)!);
  return { ok: details.length === 0, details };
}

/** The state after `sn`'s last valid block (an invalid one ends the replay, and `details` says why), keeping every state made in `known`. */
function replayChain(sim: CheckedRun, sn: SimNode, known: Map<string, { state: ChainState } | { err: string }>, checker: SignatureCache, details: string[]): ChainState {
  let state = genesisState(sim.genesis);
  let app: KVStoreApp | null = null; // made when the chain leaves the blocks already known
  for (let h = 1; h <= sn.blockStore.height(); h++) {
    const meta = sn.blockStore.loadBlockMeta(h)!;
    const key = blockIdKey(meta.blockId);
    const seen = app ? undefined : known.get(key);
    if (seen) {
      // the block this node stores must be the one replayed: the same header, so the same hash
      const err = 'err' in seen ? seen.err : bytesEqual(blockHash(sn.blockStore.loadBlock(h)!), meta.blockId.hash) ? null : 'the stored block does not hash to its BlockID';
      if (err !== null) {
        details.push(`${sn.name} block ${h}: ${err}`);
        return state;
      }
      if ('state' in seen) state = seen.state;
      continue;
    }
    if (!app) {
      // the app's state is not kept per block: bring a fresh one to height h - 1
      app = new KVStoreApp();
      app.initChain({ validators: sim.genesis.validators.map((v) => ({ pubKey: v.pubKey, power: v.power })) });
      state = genesisState(sim.genesis);
      for (let k = 1; k < h; k++) state = applyBlock(state, sn.blockStore.loadBlockMeta(k)!.blockId, sn.blockStore.loadBlock(k)!, app).state;
    }
    const block = sn.blockStore.loadBlock(h)!;
    const err = validateBlock(state, block, checker);
    if (err) {
      known.set(key, { err });
      details.push(`${sn.name} block ${h}: ${err}`);
      return state;
    }
    state = applyBlock(state, meta.blockId, block, app).state;
    known.set(key, { state });
  }
  return state;
}

/** NO-DS: a correct validator never signs two different messages for one (height, round, type). */
export function checkNoDoubleSign(sim: CheckedRun): CheckResult {
  const details: string[] = [];
  const first = new Map<string, string>();
  for (const s of sim.signed) {
    if (sim.faulty.has(s.validator)) continue;
    const k = `${s.validator}/${s.kind}/${s.height}/${s.round}/${s.type}`;
    const v = blockIdKey(s.blockId);
    const prev = first.get(k);
    if (prev === undefined) first.set(k, v);
    else if (prev !== v) details.push(`validator ${s.validator} signed two ${s.kind}s at ${s.height}/${s.round} type ${s.type}: ${blockIdShort(s.blockId)}`);
  }
  return { ok: details.length === 0, details };
}

/**
 * LIVE: there is a running correct node; after the last fault healed, every one of them commits a
 * new height within a bounded number of rounds; by the end each has reached the goal height and,
 * with gossip, trails the highest correct node by at most MAX_LAG heights (a node frozen behind
 * fails even if it committed once). With direct delivery a node that fell more than one height
 * behind cannot catch up (that is the reactor's job), so it is reported, not failed; nor is
 * liveness required of direct delivery with Byzantine validators (nothing relays their two stories).
 */
export function checkLiveness(sim: CheckedRun, rounds = 12): CheckResult {
  const details: string[] = [];
  const c = sim.config;
  const roundMs = c.timeoutPropose + c.timeoutPrevote + c.timeoutPrecommit + rounds * (c.timeoutProposeDelta + c.timeoutPrevoteDelta + c.timeoutPrecommitDelta) / 2;
  const bound = sim.faults.lastHealAt + c.timeoutCommit + rounds * roundMs;
  const live = sim.liveCorrect();
  if (live.length === 0) return { ok: false, details: ['no correct validator is running at the end of the run'] };
  // The algorithm's liveness rests on gossip: what one correct node receives, every correct node
  // eventually receives. Direct delivery relays nothing, so Byzantine nodes that tell each node a
  // different story can stall it for good; there, liveness is reported, not required.
  const note = !sim.gossiping && sim.faulty.size > 0 ? 'note (direct delivery, Byzantine nodes, no relay): ' : '';
  const top = Math.max(0, ...live.map((i) => sim.committedHeight(i)));
  const goal = sim.opts.heights;
  for (const i of live) {
    const sn = sim.nodes[i];
    const h = sim.committedHeight(i);
    if (!sim.gossiping && h < top - 1) {
      details.push(`note: ${sn.name} is ${top - h} heights behind (catch-up needs the reactor)`);
      continue;
    }
    const firstAfterHeal = (sim.commitTimes.get(sn.name) ?? []).find((t) => t >= sim.faults.lastHealAt);
    const since = sim.faults.lastHealAt === sim.faults.startedAt ? 'of the start' : 'after the last fault healed';
    // a run cut short (its max time) before the bound is not a node that took too long
    const cut = firstAfterHeal === undefined && sim.clock.now() < bound ? ` (the run ended ${((sim.clock.now() - sim.faults.startedAt) / 1000).toFixed(1)} s in, before those rounds)` : '';
    if (firstAfterHeal === undefined || firstAfterHeal > bound) details.push(`${note}${sn.name} committed nothing within ${rounds} rounds ${since}${cut}`);
    if (h < goal) details.push(`${note}${sn.name} reached height ${h} of the goal ${goal}`);
    else if (sim.gossiping && h < top - MAX_LAG) details.push(`${sn.name} is ${top - h} heights behind the head (${top}); at most ${MAX_LAG} allowed`);
  }
  return { ok: details.every((d) => d.startsWith('note')), details };
}
