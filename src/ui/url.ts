// The shareable URL: #lesson=<id>&s=<scenario as base64url JSON>&t=<ms>&n=<node>. Opening it
// reproduces the run, and shows the moment and the node the teacher was showing.
import type { Scenario } from '../core/scenario.js';
import { scenarioProblems } from '../core/scenario.js';
import { lessonById } from './lessons.js';

const toB64url = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64url = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));

/** Where in the run: ms since its start, and the node shown. */
export interface Position {
  t: number;
  node: string;
}

export function encodeShare(lessonId: string | null, scenario: Scenario, at: Position | null = null): string {
  const p = new URLSearchParams();
  if (lessonId) p.set('lesson', lessonId);
  p.set('s', toB64url(JSON.stringify(scenario)));
  // ms exactly as the run had them (a "next polka" ends at the event's own, fractional, time)
  if (at && at.t > 0) p.set('t', String(at.t));
  if (at && at.node !== 'n0') p.set('n', at.node);
  return `#${p.toString()}`;
}

/** The position in a link, when it names one that can be shown (a node of the scenario, a time within a day). */
function positionOf(p: URLSearchParams, scenario: Scenario | null): Position | null {
  const t = Number(p.get('t') ?? 0);
  const node = p.get('n') ?? 'n0';
  const n = /^n(\d{1,3})$/.exec(node);
  if (!Number.isFinite(t) || t < 0 || t > 86_400_000 || !n || Number(n[1]) >= (scenario?.validators ?? 4)) return null;
  return t === 0 && node === 'n0' ? null : { t, node };
}

/**
 * Where a link's parameters are: the hash, where share links put them, or else a query written
 * the same way by hand (`/?lesson=locks`), which would otherwise be ignored without a word.
 */
export function shareParams(loc: { hash: string; search: string }): string {
  if (loc.hash.length > 1) return loc.hash;
  const q = new URLSearchParams(loc.search);
  return q.has('lesson') || q.has('s') ? loc.search : '';
}

/**
 * Reads a share link; never throws. A link that cannot be read in full (a damaged scenario, a
 * lesson this build does not have) yields what could be read and an `error` for the page to show:
 * the page then keeps the link in the address bar, so the person can report it as it was.
 */
export function decodeShare(link: string): { lessonId: string | null; scenario: Scenario | null; error: string | null; at: Position | null } {
  const p = new URLSearchParams(link.replace(/^[#?]/, ''));
  const lessonId = p.get('lesson');
  const s = p.get('s');
  const problems: string[] = [];
  if (lessonId !== null && !lessonById(lessonId)) problems.push(`there is no lesson ${JSON.stringify(lessonId)}`);
  let scenario: Scenario | null = null;
  if (s) {
    try {
      const value: unknown = JSON.parse(fromB64url(s));
      const wrong = scenarioProblems(value);
      if (wrong.length) throw new Error(wrong.slice(0, 3).join('; '));
      scenario = value as Scenario;
    } catch (e) {
      problems.push(`its scenario is invalid (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const lesson = lessonId !== null ? lessonById(lessonId) : undefined;
  const at = positionOf(p, scenario ?? lesson?.scenario ?? null);
  if (problems.length === 0) return { lessonId, scenario, error: null, at };
  const showing = scenario ? "the link's scenario" : lessonId !== null && lessonById(lessonId) ? 'the lesson' : 'the first lesson';
  return { lessonId, scenario, error: `This share link could not be read: ${problems.join('; ')}. The link is kept in the address bar so you can report it; showing ${showing} instead.`, at: null };
}
