// Display strings of the live panel, made from the node's status and the page's connections
// (DESIGN.md: display strings are made in the view, never carried in the model).
import type { LastSigned, LiveStage, LiveStatus } from '../../observe/live.js';
import type { PeerStat, PeerTransportKind } from '../../observe/live.js';

/** What each stage means, in a line a person reads beside it. */
export const STAGE_TEXT: Record<LiveStage, string> = {
  starting: 'opening storage and keys, reaching the hub',
  syncing: 'catching up to the head by block sync',
  'full node': 'following consensus; not in the validator set',
  validator: 'in the validator set: this tab signs votes',
  observer: 'watching only',
  stopped: 'not following the chain',
};

/**
 * Why the tab hears nothing: a running node that had peers and has none left, e.g. the hub stopped
 * (`hadPeers`), or one past block sync that never had one: block sync waits for the hub, so a tab
 * following consensus without ever a peer is dialling a hub that does not answer (a wrong
 * `?join=` address). While it syncs it is still dialling. The page's transport redials the hub,
 * a persistent peer.
 */
export function cutOffText(status: Pick<LiveStatus, 'stage' | 'peers'> | null, hadPeers: boolean): string | null {
  if (!status || status.peers.length > 0 || status.stage === 'starting' || status.stage === 'stopped') return null;
  if (hadPeers) return 'no peers: cut off from the testnet, nothing reaches this tab; redialling the hub';
  if (status.stage === 'syncing') return null;
  return 'no peer yet: the hub has not answered, nothing reaches this tab; still dialling it (is its address right?)';
}

export const TRANSPORT_TEXT: Record<PeerTransportKind, string> = {
  websockets: 'WebSockets',
  webrtc: 'WebRTC direct',
  relayed: 'relayed',
  tcp: 'TCP',
};

/** A libp2p peer id is long and its start is the same for every Ed25519 key: keep the start's type and the tail. */
export function shortId(id: string): string {
  return id.length <= 16 ? id : `${id.slice(0, 4)}…${id.slice(-8)}`;
}

/** Bytes in SI units, as a person reads a transfer counter. */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  // 999.9 kB would print as "1000 kB": go up a unit as soon as the rounded value would reach 1000
  while (v >= 999.5 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export const rtt = (ms: number | null): string => (ms === null ? '—' : `${Math.round(ms)} ms`);

/** CometBFT's sign-state steps. */
const SIGN_STEP: Record<number, string> = { 1: 'proposal', 2: 'prevote', 3: 'precommit' };

export function lastSignedText(s: LastSigned | null): string {
  return s ? `${s.height}/${s.round} ${SIGN_STEP[s.step] ?? `step ${s.step}`}` : 'nothing yet';
}

/** Voting power: an int64 string; 0 means not in the set. */
export function powerText(status: LiveStatus): string {
  return status.power === '0' ? '0 (not a validator)' : status.power;
}

/** One row of the peers table: the node's view (in its Switch) joined to the page's (the connection). */
export interface PeerRow {
  id: string;
  /** the node's Switch has it (a connection the node does not use yet shows as connecting) */
  inSwitch: boolean;
  link: PeerStat | null;
}

/** The node's peers in its order, then connections only the page knows of. */
export function peerRows(switchPeers: readonly string[], links: readonly PeerStat[]): PeerRow[] {
  const byId = new Map(links.map((l) => [l.id, l]));
  const rows: PeerRow[] = switchPeers.map((id) => ({ id, inSwitch: true, link: byId.get(id) ?? null }));
  const known = new Set(switchPeers);
  for (const l of links) if (!known.has(l.id)) rows.push({ id: l.id, inSwitch: false, link: l });
  return rows;
}

/** How long "Become a validator" waits for the stage to change before it says so (the tx may be lost). */
export const BECOME_WAIT_MS = 60_000;

export type BecomeState =
  | { kind: 'ready' }
  | { kind: 'disabled'; why: string }
  | { kind: 'pending' }
  | { kind: 'late' };

/** The button's state: who can ask (not a validator yet, not an observer, not stopped) and whether an ask is pending. */
export function becomeState(stage: LiveStage, askedAt: number | null, now: number): BecomeState {
  if (stage === 'validator') return { kind: 'disabled', why: 'already a validator' };
  if (stage === 'observer') return { kind: 'disabled', why: 'an observer cannot sign: another tab holds the key' };
  if (stage === 'stopped') return { kind: 'disabled', why: 'the node stopped' };
  if (askedAt !== null) return now - askedAt < BECOME_WAIT_MS ? { kind: 'pending' } : { kind: 'late' };
  return { kind: 'ready' };
}
