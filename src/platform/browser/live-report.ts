// What the page is shown of a live node (issue 13): its stage, missed blocks, the status line
// (LiveStatus) and the observation frames the classroom's views draw, built from the node's parts
// by plain functions, so that the LiveNode only decides when to send them.
import type { Bytes, Commit } from '../../core/types.js';
import { BlockIDFlag } from '../../core/types.js';
import type { ChainState } from '../../core/state/chain-state.js';
import { bytesEqual, toHex } from '../../core/bytes.js';
import type { AssembledNode } from '../../node/create-node.js';
import type { LocalPrivValidator } from '../../node/priv-validator.js';
import type { LastSigned, LiveStage, LiveStatus } from '../../observe/live.js';
import type { Frame, NodeSummary, ObsEvent } from '../../observe/model.js';
import { projectNode, projectPeers, projectRoundState, stepName } from '../../observe/project.js';
import type { PeerRoundState } from '../../core/reactor/peer-state.js';
import type { LiveStores } from './live-stores.js';


/**
 * Missed blocks: committed blocks, since we became a validator, whose LastCommit lacks our
 * precommit. Block H's LastCommit is signed by the validator set of H-1, so we remember, per
 * height, whether we were in its set; a commit signature with our address and a flag other than
 * Absent is our precommit (a nil precommit counts as present: we voted).
 */
export class MissedBlocks {
  count = 0;
  /** the first height we were a validator at (null: never, as far as this tab saw) */
  since: number | null = null;
  private readonly inSet = new Map<number, boolean>();

  constructor(private readonly address: Bytes) {}

  knows(height: number): boolean {
    return this.inSet.has(height);
  }

  /** The validator set of `height` (its addresses). */
  noteSet(height: number, addresses: readonly Bytes[]): void {
    const ours = addresses.some((a) => bytesEqual(a, this.address));
    this.inSet.set(height, ours);
    if (ours && (this.since === null || height < this.since)) this.since = height;
  }

  /** What a chain state tells: the sets of its last height and the next. */
  noteState(s: ChainState): void {
    if (s.lastValidators) this.noteSet(s.lastBlockHeight, s.lastValidators.validators.map((v) => v.address));
    this.noteSet(s.lastBlockHeight + 1, s.validators.validators.map((v) => v.address));
  }

  /** Block `height` was committed carrying `lastCommit` (of height-1). */
  noteBlock(height: number, lastCommit: Commit | null): void {
    if (this.inSet.get(height - 1) === true && lastCommit) {
      const signed = lastCommit.signatures.some((s) => s.blockIdFlag !== BlockIDFlag.Absent && bytesEqual(s.validatorAddress, this.address));
      if (!signed) this.count++;
    }
    for (const h of this.inSet.keys()) if (h < height - 2) this.inSet.delete(h);
  }
}

/** Where the node is, for the stage. */
export type LivePhase = 'starting' | 'syncing' | 'consensus' | 'stopped';

/** The stage the page shows: stopped and observer win; a node in consensus is a validator while it has power. */
export function liveStage(phase: LivePhase, observer: boolean, power: bigint): LiveStage {
  if (phase === 'stopped') return 'stopped';
  if (observer) return 'observer';
  if (phase === 'starting') return 'starting';
  if (phase === 'syncing') return 'syncing';
  return power > 0n ? 'validator' : 'full node';
}

/** The most recent events the worker keeps (for the first frame, which carries the history). */
export const RECENT_EVENTS = 2000;

/** Events since the last frame, and a bounded tail of the history. */
export class EventLog {
  private pending: ObsEvent[] = [];
  private recent: ObsEvent[] = [];
  private sentReset = false;
  count = 0;

  push(e: ObsEvent): void {
    this.count++;
    this.pending.push(e);
    this.recent.push(e);
    if (this.recent.length > 2 * RECENT_EVENTS) this.recent = this.recent.slice(-RECENT_EVENTS);
    if (this.pending.length > RECENT_EVENTS) this.pending = this.pending.slice(-RECENT_EVENTS);
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** The first call gives the recent history (a reset); later ones the events since the last call. */
  take(): { reset: boolean; events: ObsEvent[] } {
    const reset = !this.sentReset;
    this.sentReset = true;
    const events = reset ? this.recent.slice(-RECENT_EVENTS) : this.pending;
    this.pending = [];
    return { reset, events };
  }
}

/**
 * The peers' lanes on the timeline: a peer's step as its NewRoundStep messages told us, as an
 * event of that peer's, timed when we heard it (a network delay after the peer took the step).
 */
export class PeerSteps {
  private readonly last = new Map<string, string>();

  /** The event when the peer's height, round or step changed since the last one; else null. */
  note(peerId: string, prs: Readonly<PeerRoundState>, now: number): ObsEvent | null {
    if (!prs.step) return null; // nothing heard from it yet
    const key = `${prs.height}/${prs.round}/${prs.step}`;
    if (this.last.get(peerId) === key) return null;
    this.last.set(peerId, key);
    return { node: peerId, type: 'NewRoundStep', time: now, height: prs.height, round: prs.round, step: stepName(prs.step) };
  }

  /** A dropped peer: if it comes back, its first step is news again. */
  forget(peerId: string): void {
    this.last.delete(peerId);
  }
}

/** A peer as one line of the frame's node list: what its PeerRoundState tells of it. */
export function peerSummary(p: ReturnType<typeof projectPeers>[number], index: number): NodeSummary {
  return {
    id: p.peer,
    index,
    // the tail tells peers apart: every Ed25519 peer id starts 12D3KooW (the peers list shows more)
    name: p.peer.length > 16 ? `…${p.peer.slice(-6)}` : p.peer,
    up: true,
    height: p.height,
    round: p.round,
    step: p.step ?? 'RoundStepUnknown',
    committed: Math.max(0, p.height - 1),
    lockedRound: -1,
    lockedBlock: null,
    proposer: null,
    faults: [],
    votingPower: '0',
  };
}

const STORAGE_ERRORS = new Set(['QuotaExceededError', 'InvalidStateError', 'UnknownError', 'AbortError', 'DataError', 'VersionError', 'NotFoundError', 'ReadOnlyError', 'TransactionInactiveError', 'SecurityError']);

/** The plain words of a failure: a storage error says so, with the browser's own message. */
export function describeFailure(e: unknown, during: string): string {
  // DOMExceptions (what IndexedDB rejects with) carry a name and the browser's message
  const { name = '', message = String(e) } = (typeof e === 'object' && e !== null ? e : {}) as { name?: string; message?: string };
  if (name === 'QuotaExceededError') return `storage is full: the browser refused to store more (${message}); the node stopped`;
  if (name === 'ReferenceError' && /indexedDB/i.test(message)) return `this browser gives this page no IndexedDB (private browsing?): ${message}`;
  if (STORAGE_ERRORS.has(name)) return `storage failed ${during}: ${name}: ${message}; the node stopped`;
  return `${during}: ${message}`;
}


/** The parts of a live node the page's status and frames are read from. */
export interface Reported {
  phase: LivePhase;
  observer: boolean;
  why: string | null;
  chainId: string;
  peerId: string;
  address: Bytes | null;
  stores: LiveStores | null;
  assembled: AssembledNode | null;
  privValidator: LocalPrivValidator | null;
  missed: MissedBlocks | null;
}

/** The consensus view of the current height: its number and validator set (null before consensus runs). */
function consensusView(r: Reported): { height: number; validators: { address: Bytes; votingPower: bigint }[] } | null {
  if (r.phase !== 'consensus' || !r.assembled) return null;
  try {
    return r.assembled.node.getValidators();
  } catch {
    return null; // the engine is between SwitchToConsensus and its first step
  }
}

/** The status line: stage, who we are, power, heights, last signed, missed blocks, the Switch's peers. */
export function statusOf(r: Reported): LiveStatus {
  const committed = r.stores?.blockStore.height() ?? 0;
  const view = consensusView(r);
  const vals = view?.validators ?? (r.phase === 'syncing' || r.phase === 'starting' ? (r.stores?.stateStore.load()?.validators.validators ?? []) : []);
  const ours = r.address && vals.find((v) => bytesEqual(v.address, r.address!));
  const power = ours ? ours.votingPower : 0n;
  const s = r.privValidator?.lastSignState();
  const lastSigned: LastSigned | null = s && s.height > 0 ? { height: s.height, round: s.round, step: s.step } : null;
  return {
    stage: liveStage(r.phase, r.observer, power),
    why: r.why,
    chainId: r.chainId,
    peerId: r.peerId,
    address: r.address ? toHex(r.address).toUpperCase() : '',
    power: power.toString(),
    height: view?.height ?? committed + 1,
    committed,
    lastSigned,
    missedBlocks: r.missed?.count ?? 0,
    peers: r.assembled?.sw?.peers() ?? [],
  };
}

/** The status when reading the node failed: the stage and why, nothing read from the node. */
export function fallbackStatus(r: Pick<Reported, 'phase' | 'observer' | 'why' | 'chainId' | 'peerId'>): LiveStatus {
  return { stage: liveStage(r.phase, r.observer, 0n), why: r.why, chainId: r.chainId, peerId: r.peerId, address: '', power: '0', height: 0, committed: 0, lastSigned: null, missedBlocks: 0, peers: [] };
}

/**
 * The frame the views draw: us (with our RoundState) and each peer as our reactor knows it; null
 * before consensus runs. `origin` and `now` are the node's clock; `steps` counts its events.
 */
export function frameOf(r: Reported, origin: number, now: number, steps: number): Frame | null {
  const a = r.assembled;
  if (!a || r.phase !== 'consensus') return null;
  const committed = r.stores!.blockStore.height();
  // an observer gives the address too (the profile's key, which another tab signs with): a tab that
  // gave none was taken for the signer of every vote, since it sees them all first (names.ts)
  const address = r.address ?? undefined;
  let us: NodeSummary;
  let roundState: Frame['roundState'];
  try {
    us = projectNode(a.node, {
      id: r.peerId,
      index: 0,
      name: 'this tab',
      committed,
      address,
      idOfAddress: (x) => (address && bytesEqual(x, address) ? r.peerId : null),
    });
    roundState = projectRoundState(a.node);
  } catch {
    return null; // no RoundState yet
  }
  const peers = projectPeers(a.reactor);
  return {
    origin,
    t: now - origin,
    steps,
    nodes: [us, ...peers.map((p, i) => peerSummary(p, i + 1))], // index: the place the views draw it at
    selected: r.peerId,
    roundState,
    peers,
    partition: null,
    links: peers.map((p) => [r.peerId, p.peer]), // ours only: how the peers are linked among themselves is theirs
    inFlight: [],
    faults: [],
    checks: [],
    logHash: '',
  };
}
