// A simulation scenario as plain data: what the classroom shares in a URL, what lessons script,
// and what the simulator (src/sim) runs. Pure description, no behaviour.

/**
 * When a fault starts: when any node reaches (height, round), at a virtual time (ms from start),
 * or after the simulator's n-th step (one timer fired and settled): how a person's action is
 * recorded, so that replaying it lands between exactly the same two steps. A step with a time is
 * an action taken while nothing happened (the clock shown had run past the last step): it takes
 * effect at that time, the first thing after step n.
 */
export type Trigger = { height: number; round?: number } | { time: number } | { step: number; time?: number };

interface Timed {
  at?: Trigger;
  /** Heal after this many virtual ms (omit: until the end of the run). */
  duration?: number;
}

export type FaultSpec = Timed &
  (
    | { kind: 'crash'; node: number; /** restart this many ms after the crash */ restartAfter?: number }
    /** Power cut at the node's n-th WAL write (counted from the start), before it lands or right after it is durable. */
    | { kind: 'crashAtWalWrite'; node: number; write: number; after?: boolean; restartAfter: number }
    | { kind: 'silence'; node: number }
    | { kind: 'partition'; groups: number[][] }
    | { kind: 'delay'; from?: number; to?: number; delayMin: number; delayMax: number; dropRate?: number }
    | { kind: 'dropProposals'; node: number }
    | { kind: 'equivocateProposal'; node: number }
    | { kind: 'equivocateVotes'; node: number }
    | { kind: 'amnesia'; node: number }
    | { kind: 'nilPrecommit'; node: number }
    /** As proposer, put these transactions (hex) in every block, bypassing its own PrepareProposal. */
    | { kind: 'proposeTxs'; node: number; txs: string[] }
    /** Fire the node's pending timeout now (its clock runs fast once). */
    | { kind: 'forceTimeout'; node: number }
    /** Start a node that is down (crashed without a scheduled restart). */
    | { kind: 'restart'; node: number }
    /**
     * Lose a message on the wire from `from` to `to` (a person's click on it). Gossip links are
     * streams, which never lose one message alone: the connection breaks, everything in flight on
     * it is lost and the peers redial (src/sim/faults.ts). Not for direct delivery.
     */
    | { kind: 'dropMessage'; from: number; to: number }
  );

/** Everything that determines a run: the same Scenario always yields the same event log. */
export interface Scenario {
  validators: number;
  /** voting power per validator (default 10 each) */
  powers?: number[];
  seed: number;
  /** timeout_commit etc. in ms (CometBFT defaults where omitted) */
  timeouts?: Partial<Record<'timeoutPropose' | 'timeoutPrevote' | 'timeoutPrecommit' | 'timeoutCommit', number>>;
  /** message delay range in ms */
  delay?: [number, number];
  /** 'direct' or a gossip topology name ('full', 'ring', 'regular:<d>') */
  topology?: string;
  /** transactions submitted per height */
  txsPerHeight?: number;
  /** scripted faults and every action a person took, in order, each with its virtual time */
  faults: FaultSpec[];
}

/** Each fault's own fields, besides kind, at and duration. */
const FIELDS: Record<FaultSpec['kind'], string[]> = {
  crash: ['node', 'restartAfter'],
  crashAtWalWrite: ['node', 'write', 'after', 'restartAfter'],
  silence: ['node'],
  partition: ['groups'],
  delay: ['from', 'to', 'delayMin', 'delayMax', 'dropRate'],
  dropProposals: ['node'],
  equivocateProposal: ['node'],
  equivocateVotes: ['node'],
  amnesia: ['node'],
  nilPrecommit: ['node'],
  proposeTxs: ['node', 'txs'],
  forceTimeout: ['node'],
  restart: ['node'],
  dropMessage: ['from', 'to'],
};

const NODE_KINDS = new Set(['crash', 'crashAtWalWrite', 'silence', 'dropProposals', 'equivocateProposal', 'equivocateVotes', 'amnesia', 'nilPrecommit', 'proposeTxs', 'forceTimeout', 'restart']);
/** The most validators a run may have (the settings form, shared links and `prevote sim`). */
export const MAX_VALIDATORS = 200;
/** The most transactions submitted per height. */
export const MAX_TXS_PER_HEIGHT = 10_000;
/** The longest timeout, delay or fault duration, in ms. */
export const MAX_MS = 3_600_000;

/**
 * What is wrong with a scenario that came from outside (a shared link, the settings form), one
 * line per problem naming the field; empty when it can be run. The simulator trusts what passes.
 */
export function scenarioProblems(x: unknown): string[] {
  if (typeof x !== 'object' || x === null) return ['not an object'];
  const s = x as Partial<Scenario> & Record<string, unknown>;
  const out: string[] = [];
  const int = (v: unknown, lo: number, hi: number) => Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi;
  const ms = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_MS;
  const n = s.validators;
  if (!int(n, 1, MAX_VALIDATORS)) out.push(`validators: an integer from 1 to ${MAX_VALIDATORS}`);
  if (!int(s.seed, 0, 2 ** 32 - 1)) out.push('seed: an integer from 0 to 2^32-1');
  if (s.powers !== undefined && (!Array.isArray(s.powers) || s.powers.length !== n || !s.powers.every((p) => int(p, 1, 1e12)))) {
    out.push(`powers: one integer from 1 to 10^12 per validator (${typeof n === 'number' ? n : 'as many as validators'})`);
  }
  if (s.timeouts !== undefined) {
    const keys = ['timeoutPropose', 'timeoutPrevote', 'timeoutPrecommit', 'timeoutCommit'];
    if (typeof s.timeouts !== 'object' || s.timeouts === null) out.push('timeouts: an object');
    else for (const [k, v] of Object.entries(s.timeouts)) {
      if (!keys.includes(k)) out.push(`timeouts.${k}: not a timeout (${keys.join(', ')})`);
      else if (!ms(v)) out.push(`timeouts.${k}: from 0 to ${MAX_MS} ms`);
    }
  }
  // a lone validator with no timeout_commit commits height after height at one virtual instant,
  // its own votes never leaving it: the simulator would never get its turn back
  if (n === 1 && s.timeouts?.timeoutCommit === 0) out.push('timeouts.timeoutCommit: at least 1 ms with one validator (alone, with none, it commits height after height at one instant, forever)');
  if (s.delay !== undefined && (!Array.isArray(s.delay) || s.delay.length !== 2 || !ms(s.delay[0]) || !ms(s.delay[1]) || s.delay[0] > s.delay[1])) {
    out.push(`delay: [min, max] from 0 to ${MAX_MS} ms, with min ≤ max`);
  }
  if (s.topology !== undefined && (typeof s.topology !== 'string' || !/^(direct|full|ring|regular:[1-9]\d{0,2})$/.test(s.topology))) {
    out.push('topology: direct, full, ring or regular:<d>');
  }
  if (s.txsPerHeight !== undefined && !int(s.txsPerHeight, 0, MAX_TXS_PER_HEIGHT)) out.push(`txsPerHeight: an integer from 0 to ${MAX_TXS_PER_HEIGHT}`);
  if (!Array.isArray(s.faults)) return [...out, 'faults: a list'];
  const node = (v: unknown) => int(v, 0, (typeof n === 'number' ? n : 0) - 1);
  const indices = typeof n === 'number' && n >= 1 ? (n === 1 ? '0, the one validator' : `0 to ${n - 1} with ${n} validators`) : 'from 0';
  s.faults.forEach((f: unknown, i) => {
    const at = `faults[${i}]`;
    if (typeof f !== 'object' || f === null) return void out.push(`${at}: not an object`);
    const spec = f as Record<string, unknown>;
    if (NODE_KINDS.has(spec.kind as string)) {
      if (!node(spec.node)) out.push(`${at}.node: a validator index (${indices}), got ${JSON.stringify(spec.node) ?? 'none'}`);
    } else if (spec.kind === 'partition') {
      const groups = spec.groups;
      if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g) && g.every(node))) out.push(`${at}.groups: lists of validator indices`);
      else {
        // a node in two groups (or twice in one) would be on both sides of the cut
        const seen = new Map<number, number>();
        groups.forEach((g: number[], gi) => {
          for (const v of g) {
            if (seen.has(v)) out.push(`${at}.groups[${gi}]: validator ${v} ${seen.get(v) === gi ? 'is listed twice' : `is also in group ${seen.get(v)}`}`);
            else seen.set(v, gi);
          }
        });
      }
    } else if (spec.kind === 'dropMessage') {
      if (!node(spec.from) || !node(spec.to) || spec.from === spec.to) out.push(`${at}: from and to must be two different validator indices`);
      if (s.topology === 'direct') out.push(`${at}: a message can be dropped on gossip links only (the topology is direct)`);
    } else if (spec.kind === 'delay') {
      if ((spec.from !== undefined && !node(spec.from)) || (spec.to !== undefined && !node(spec.to))) out.push(`${at}: from/to must be validator indices`);
      if (!ms(spec.delayMin) || !ms(spec.delayMax) || (spec.delayMin as number) > (spec.delayMax as number)) out.push(`${at}: delayMin ≤ delayMax, in ms`);
      if (spec.dropRate !== undefined && !(typeof spec.dropRate === 'number' && spec.dropRate >= 0 && spec.dropRate <= 1)) out.push(`${at}.dropRate: from 0 to 1`);
    } else {
      return void out.push(`${at}.kind: unknown fault ${JSON.stringify(spec.kind)}`);
    }
    // a misspelt field ("restartafter") would be a fault without it, silently
    const known = FIELDS[spec.kind as FaultSpec['kind']] ?? [];
    for (const k of Object.keys(spec)) if (k !== 'kind' && k !== 'at' && k !== 'duration' && !known.includes(k)) out.push(`${at}.${k}: not a field of ${spec.kind as string} (${['at', 'duration', ...known].join(', ')})`);
    for (const k of ['duration', 'restartAfter'] as const) if (spec[k] !== undefined && !ms(spec[k])) out.push(`${at}.${k}: from 0 to ${MAX_MS} ms`);
    if (spec.kind === 'proposeTxs' && !(Array.isArray(spec.txs) && spec.txs.length <= 100 && spec.txs.every((t) => typeof t === 'string' && /^([0-9a-fA-F]{2}){0,1024}$/.test(t)))) {
      out.push(`${at}.txs: up to 100 transactions as hex, at most 1024 bytes each`);
    }
    if (spec.kind === 'crashAtWalWrite' && (!int(spec.write, 0, 1e9) || !ms(spec.restartAfter))) out.push(`${at}: write (an index) and restartAfter (ms)`);
    const t = spec.at as Record<string, unknown> | undefined;
    if (t !== undefined && !(typeof t === 'object' && t !== null && (int(t.height, 1, 1e9) || ms(t.time) || int(t.step, 0, 1e12)))) {
      out.push(`${at}.at: {height[, round]}, {time} or {step[, time]}`);
    } else if (t !== undefined && t.round !== undefined && !(int(t.height, 1, 1e9) && int(t.round, 0, 1e6))) {
      out.push(`${at}.at.round: an integer from 0 to 1000000, with a height`);
    }
  });
  return out;
}
