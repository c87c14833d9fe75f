// Evidence as a person reads it: who equivocated, and the two votes that conflict. The Evidence
// event names the validator and the height/round/type; the two BlockIDs are found among the votes
// the nodes saw (an equivocator sends different votes to different peers, or both to one).
import type { ObsEvent } from '../observe/model.js';
import { readTo, resumeAt, startOf } from './log-cursor.js';
import type { LogCursor } from './log-cursor.js';

export type VoteEvent = Extract<ObsEvent, { type: 'Vote' }>;
export type EvidenceEvent = Extract<ObsEvent, { type: 'Evidence' }>;

/** The distinct votes (by BlockID) of the accused validator for the evidence's height, round and type: two when both were seen. */
export function conflictingVotes(ev: EvidenceEvent, events: readonly ObsEvent[]): VoteEvent[] {
  const out: VoteEvent[] = [];
  const seen = new Set<string>();
  const addr = ev.validatorAddress.toLowerCase();
  for (const e of events) {
    if (e.type !== 'Vote') continue;
    const v = e.vote;
    if (v.validatorAddress.toLowerCase() !== addr || v.height !== ev.voteHeight || v.round !== ev.voteRound || v.type !== ev.voteType) continue;
    const key = `${v.blockId.hash}/${v.blockId.partSetHeader.hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
    if (out.length === 2) break;
  }
  return out;
}

/** Incremental (log-cursor.ts): the network asks at every update, and a live log holds tens of thousands of events. */
let seen: { at: LogCursor; out: Set<string> } | null = null;

/** Addresses of the validators that evidence accuses so far (the network marks their nodes). */
export function accused(events: readonly ObsEvent[]): Set<string> {
  let from = seen ? resumeAt(seen.at, events) : -1;
  if (from < 0) {
    seen = { at: startOf(events), out: new Set() };
    from = 0;
  }
  const s = seen!;
  if (from === events.length) return s.out;
  // a new set when it changes: callers may keep the last one
  let out = s.out;
  for (let k = from; k < events.length; k++) {
    const e = events[k];
    if (e.type === 'Evidence' && !out.has(e.validatorAddress.toLowerCase())) out = new Set(out).add(e.validatorAddress.toLowerCase());
  }
  readTo(s.at, events);
  return (s.out = out);
}
