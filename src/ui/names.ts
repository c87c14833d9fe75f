// Nodes on screen: the views place nodes by their index in the frame and label them by name;
// the model names them by id. Votes, the HeightVoteSet's columns and evidence name a validator by
// its index in the validator set (sorted by power and address, not in node order) and its address:
// `validatorNames` turns those into the node's name, so that column "n2" is n2's vote.
import type { Frame, NodeId, ObsEvent, RoundStateView } from '../observe/model.js';
import { readTo, resumeAt, startOf } from './log-cursor.js';
import type { LogCursor } from './log-cursor.js';

export function nameOf(frame: Frame | null, id: NodeId): string {
  return frame?.nodes.find((n) => n.id === id)?.name ?? id;
}

/** id → position in `frame.nodes` (lane, circle slot, grid column of the simulator's validators). */
export function indexMap(frame: Frame | null): Map<NodeId, number> {
  return new Map((frame?.nodes ?? []).map((n, i) => [n.id, i]));
}

/**
 * Who signs with which address, learned from the event log when the source does not say it (a
 * node's `address`): a vote is seen first by its signer (it adds its own vote when it signs; its
 * peers only after a network delay). Each address goes to the node that saw its votes first most
 * often. Incremental: the event log only grows between resets, so the work is done once per event;
 * a live view's log also loses its oldest events (live/history.ts trims it), which is no reset:
 * what was learned from them stands, and reading goes on after the last event read.
 */
interface Learned {
  /** how far the log was read (log-cursor.ts) */
  at: LogCursor;
  /** vote key → the first node to see it, and when */
  seen: Map<string, { node: NodeId; time: number; address: string; tie: boolean }>;
  /** address → node → votes it saw first (ties left out), kept as `seen` changes */
  votes: Map<string, Map<NodeId, number>>;
  /** the answer for what was read (asked several times per update) */
  signers: Map<string, NodeId> | null;
}
let cache: Learned | null = null;
/**
 * A vote's first sighting decides, and a tie is two at the same moment: an entry of `seen` older
 * than this (ms of event time) cannot change any more and is let go, so that a live tab's memory
 * does not grow with every vote of a long session now that trims no longer start it afresh.
 */
const SEEN_MS = 300_000;

function count(c: Learned, address: string, node: NodeId, by: number): void {
  const m = c.votes.get(address) ?? c.votes.set(address, new Map()).get(address)!;
  m.set(node, (m.get(node) ?? 0) + by);
}

export function learnSigners(events: readonly ObsEvent[]): Map<string, NodeId> {
  let from = cache ? resumeAt(cache.at, events) : -1;
  if (from < 0) {
    cache = { at: startOf(events), seen: new Map(), votes: new Map(), signers: null };
    from = 0;
  }
  const c = cache!;
  if (c.signers && from === events.length) {
    readTo(c.at, events);
    return c.signers;
  }
  for (let k = from; k < events.length; k++) {
    const e = events[k];
    if (e.type !== 'Vote') continue;
    const v = e.vote;
    const key = `${v.validatorAddress} ${v.type} ${v.height} ${v.round} ${v.blockId.hash}`;
    const s = c.seen.get(key);
    if (!s) {
      c.seen.set(key, { node: e.node, time: e.time, address: v.validatorAddress, tie: false });
      count(c, v.validatorAddress, e.node, 1);
    } else if (!s.tie && s.time === e.time && s.node !== e.node) {
      s.tie = true;
      count(c, s.address, s.node, -1);
    }
  }
  readTo(c.at, events);
  // `seen` is in order of first sighting, which is the order of event time
  const cutoff = (events.at(-1)?.time ?? 0) - SEEN_MS;
  for (const [key, s] of c.seen) {
    if (s.time >= cutoff) break;
    c.seen.delete(key);
  }
  const out = new Map<string, NodeId>();
  // a log where one node saw every vote (a single WAL, a live tab) says nothing of who signed:
  // that node sees all of them first
  const sighters = new Set<NodeId>();
  for (const m of c.votes.values()) for (const node of m.keys()) sighters.add(node);
  if (sighters.size < 2) return (c.signers = out);
  for (const [address, m] of c.votes) {
    let best: NodeId | null = null;
    for (const [node, n] of m) if (n > 0 && (best === null || n > m.get(best)!)) best = node;
    if (best !== null) out.set(address, best);
  }
  return (c.signers = out);
}

/**
 * learnSigners, less what the source says itself: a node whose own address it gives signs with
 * that address only (a live tab outside the validator set sees every vote first).
 */
function signersOf(frame: Frame | null, events: readonly ObsEvent[]): Map<string, NodeId> {
  const learned = learnSigners(events);
  const addressed = new Set((frame?.nodes ?? []).filter((n) => n.address).map((n) => n.id));
  return addressed.size === 0 ? learned : new Map([...learned].filter(([, id]) => !addressed.has(id)));
}

/** One validator of the set as the views label it. */
export interface ValidatorName {
  /** the node's name, or `v{index}` when no observed node has this address */
  name: string;
  id: NodeId | null;
  address: string;
  index: number;
}

/**
 * The node behind each validator index of `rs.validators`: by the nodes' own addresses when the
 * source gives them, else by the selected node's proposer (the frame names it), else by who signed
 * which votes (`signersOf`); a single validator left over goes to the single node left over,
 * unless the source gave that node an address of its own.
 */
export function validatorNames(frame: Frame | null, rs: Pick<RoundStateView, 'validators' | 'proposer'> | null, events: readonly ObsEvent[]): ValidatorName[] {
  if (!rs) return [];
  const byAddress = new Map<string, NodeId>();
  for (const n of frame?.nodes ?? []) if (n.address) byAddress.set(n.address.toLowerCase(), n.id);
  if (byAddress.size < rs.validators.length) {
    const sel = frame?.nodes.find((n) => n.id === frame.selected);
    if (sel?.proposer && !byAddress.has(rs.proposer.toLowerCase())) byAddress.set(rs.proposer.toLowerCase(), sel.proposer);
    for (const [a, id] of signersOf(frame, events)) if (!byAddress.has(a.toLowerCase())) byAddress.set(a.toLowerCase(), id);
  }
  const taken = new Set<NodeId>();
  const out: ValidatorName[] = rs.validators.map((v, index) => {
    let id = byAddress.get(v.address.toLowerCase()) ?? null;
    if (id !== null && taken.has(id)) id = null;
    if (id !== null) taken.add(id);
    // no node for it: the genesis' name when the source has one (a WAL beside its genesis), else its index
    return { id, address: v.address, index, name: id === null ? v.name || `v${index}` : nameOf(frame, id) };
  });
  const unnamed = out.filter((v) => v.id === null);
  const free = (frame?.nodes ?? []).filter((n) => !taken.has(n.id) && !n.address);
  if (unnamed.length === 1 && free.length === 1 && frame && frame.nodes.length === rs.validators.length) {
    unnamed[0].id = free[0].id;
    unnamed[0].name = free[0].name;
  }
  return out;
}

/**
 * The node's name for a validator address (evidence, votes, the proposer), else the validator's
 * column name (`v2`), else a short address.
 */
export function nameOfAddress(names: readonly ValidatorName[], frame: Frame | null, events: readonly ObsEvent[], address: string): string {
  const a = address.toLowerCase();
  const v = names.find((x) => x.address.toLowerCase() === a);
  if (v && v.id !== null) return v.name;
  const node = frame?.nodes.find((n) => n.address?.toLowerCase() === a);
  if (node) return node.name;
  const signers = signersOf(frame, events);
  const id = signers.get(address) ?? signers.get(a);
  if (id) return nameOf(frame, id);
  return v ? v.name : address.slice(0, 12).toUpperCase();
}
