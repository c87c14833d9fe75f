// The shareable URL: #lesson=<id>&s=<scenario as base64url JSON>. Opening it reproduces the run.
import type { Scenario } from '../core/view.js';
import { scenarioProblems } from '../core/scenario.js';

const toB64url = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64url = (s: string) => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));

export function encodeShare(lessonId: string | null, scenario: Scenario): string {
  const p = new URLSearchParams();
  if (lessonId) p.set('lesson', lessonId);
  p.set('s', toB64url(JSON.stringify(scenario)));
  return `#${p.toString()}`;
}

export function decodeShare(hash: string): { lessonId: string | null; scenario: Scenario | null; error: string | null } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const lessonId = p.get('lesson');
  const s = p.get('s');
  if (!s) return { lessonId, scenario: null, error: null };
  try {
    const scenario: unknown = JSON.parse(fromB64url(s));
    const problems = scenarioProblems(scenario);
    if (problems.length) throw new Error(problems.slice(0, 3).join('; '));
    return { lessonId, scenario: scenario as Scenario, error: null };
  } catch (e) {
    return { lessonId, scenario: null, error: `The link's scenario could not be read (${(e as Error).message}); showing the lesson instead.` };
  }
}
