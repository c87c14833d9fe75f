// The shareable URL: #lesson=<id>&s=<scenario as base64url JSON>. Opening it reproduces the run.
import type { Scenario } from '../core/scenario.js';
import { scenarioProblems } from '../core/scenario.js';
import { lessonById } from './lessons.js';

const toB64url = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64url = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));

export function encodeShare(lessonId: string | null, scenario: Scenario): string {
  const p = new URLSearchParams();
  if (lessonId) p.set('lesson', lessonId);
  p.set('s', toB64url(JSON.stringify(scenario)));
  return `#${p.toString()}`;
}

/**
 * Reads a share link; never throws. A link that cannot be read in full (a damaged scenario, a
 * lesson this build does not have) yields what could be read and an `error` for the page to show:
 * the page then keeps the link in the address bar, so the person can report it as it was.
 */
export function decodeShare(hash: string): { lessonId: string | null; scenario: Scenario | null; error: string | null } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
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
  if (problems.length === 0) return { lessonId, scenario, error: null };
  const showing = scenario ? "the link's scenario" : lessonId !== null && lessonById(lessonId) ? 'the lesson' : 'the first lesson';
  return { lessonId, scenario, error: `This share link could not be read: ${problems.join('; ')}. The link is kept in the address bar so you can report it; showing ${showing} instead.` };
}
