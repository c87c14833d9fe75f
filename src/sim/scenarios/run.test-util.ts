// Running a scenario in a test: on failure the message carries the seed and the one-line
// command that replays the run.
import type { SimOptions, SimResult } from '../simulation.js';
import { Simulation } from '../simulation.js';

export async function simulate(opts: SimOptions): Promise<{ sim: Simulation; res: SimResult }> {
  const sim = new Simulation(opts);
  const res = await sim.run();
  return { sim, res };
}

/** Throws with the seed and replay command unless every checker passed. */
export function expectHealthy(res: SimResult): void {
  if (res.ok) return;
  const failed = Object.entries(res.checks)
    .filter(([k, v]) => k !== 'ok' && !(v as { ok: boolean }).ok)
    .map(([k, v]) => `${k}: ${(v as { details: string[] }).details.join('; ')}`);
  throw new Error(`simulation failed (seed ${res.seed})\n  ${failed.join('\n  ')}\n  replay: ${res.replay}`);
}

/** Wraps an assertion block so that any failure also names the seed and the replay command. */
export function withSeed(res: SimResult, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    (e as Error).message += `\n  seed ${res.seed}; replay: ${res.replay}`;
    throw e;
  }
}
