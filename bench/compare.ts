// `npm run bench -- --compare FILE`: this run against a saved `npm run bench` output, ratio by
// ratio: every number whose name starts with `ratio` or ends in `PerSecond` (all higher-is-better),
// matched by path; sections missing from either run are left out. A drop of more than `maxDrop`
// (20%) is flagged and fails the run, except in the machine's own baselines (`raw…`, and the
// verification and signing bounds made from them): those measure the machine and whoever else is using it,
// not this code, and are listed only to explain the ratios.

export interface FieldComparison {
  path: string;
  saved: number;
  current: number;
  /** current / saved − 1: −0.25 is a 25% drop (null when saved is 0). */
  change: number | null;
  /** A measure of the machine (never flagged). */
  baseline?: true;
}

export interface Comparison {
  against: string;
  maxDrop: number;
  /** Paths that dropped by more than maxDrop. */
  drops: string[];
  fields: FieldComparison[];
  ok: boolean;
}

const compared = (key: string) => key.startsWith('ratio') || key.endsWith('PerSecond');
const isBaseline = (path: string) => /(^|\.)(raw\w*|verificationBound\w*|signingBound\w*)$/.test(path);

/** Path → value of every compared number (`consensus.validators_4.heightsPerSecond`, `gossip[2].x`). */
function figures(doc: unknown, path = '', out = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(doc)) doc.forEach((v, i) => figures(v, `${path}[${i}]`, out));
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      if (k === 'compare' && path === '') continue; // an earlier run's own comparison
      const p = path ? `${path}.${k}` : k;
      if (typeof v === 'number' && Number.isFinite(v) && compared(k)) out.set(p, v);
      else figures(v, p, out);
    }
  }
  return out;
}

export function compareReports(saved: unknown, current: unknown, against: string, maxDrop = 0.2): Comparison {
  const before = figures(saved);
  const fields: FieldComparison[] = [];
  for (const [path, now] of figures(current)) {
    const was = before.get(path);
    if (was === undefined) continue;
    fields.push({ path, saved: was, current: now, change: was > 0 ? now / was - 1 : null, ...(isBaseline(path) ? { baseline: true as const } : {}) });
  }
  const drops = fields.filter((f) => !f.baseline && f.change !== null && f.change < -maxDrop).map((f) => f.path);
  return { against, maxDrop, drops, fields, ok: drops.length === 0 };
}
