// The frame probe the browser benches install in a page, and the statistics made from it.
import type { Page } from '@playwright/test';

export interface FrameStats {
  frames: number;
  fps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** share of frames longer than 50 ms (visible stutter) */
  over50Ms: number;
  /** main-thread long tasks (> 50 ms) during the window, summed */
  longTasksMs: number;
}

/**
 * Installed in the page: rAF intervals and long tasks over a window of `ms`. A string, because
 * tsx's transform would add helpers to a function that the page does not have.
 */
export const FRAME_PROBE = `
window.frameTimes = (ms) => new Promise((resolve) => {
  const deltas = [];
  let longTasksMs = 0;
  const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => (longTasksMs += e.duration)));
  obs.observe({ type: 'longtask' });
  let last = performance.now();
  const end = last + ms;
  const tick = (t) => {
    deltas.push(t - last);
    last = t;
    if (t < end) requestAnimationFrame(tick);
    else { obs.disconnect(); resolve({ deltas, longTasksMs }); }
  };
  requestAnimationFrame(tick);
});`;

/** fps, quantiles and long tasks of one window of frames. */
export function frameStats({ deltas, longTasksMs }: { deltas: number[]; longTasksMs: number }): FrameStats {
  const d = [...deltas].sort((a, b) => a - b);
  const q = (p: number) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  const total = deltas.reduce((s, x) => s + x, 0);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    frames: d.length,
    fps: r((1000 * d.length) / total),
    p50Ms: r(q(0.5)),
    p95Ms: r(q(0.95)),
    p99Ms: r(q(0.99)),
    maxMs: r(d[d.length - 1]),
    over50Ms: r(d.filter((x) => x > 50).length / d.length),
    longTasksMs: r(longTasksMs),
  };
}

export type FramesWithCpu = FrameStats & { mainThreadCpuMsPerS: number; mainThreadTaskMsPerS: number; layoutsPerS: number };

/**
 * A page's frames over `ms`, and what its main thread spent meanwhile (CDP Performance
 * metrics): ThreadTime is the main thread's CPU time, TaskDuration its tasks' wall time. On a
 * loaded machine frame rates follow the load more than the page; the CPU a page's main thread
 * needs per second does not, so app minus bare tab is what the views cost.
 */
export async function framesWithCpu(page: Page, ms = 3000): Promise<FramesWithCpu> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => new Map((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const a = await metrics();
  const frames = frameStats(await page.evaluate((ms) => window.frameTimes(ms), ms));
  const b = await metrics();
  await cdp.detach();
  const secs = (b.get('Timestamp')! - a.get('Timestamp')!) || ms / 1000;
  const perS = (k: string, scale = 1000) => Math.round((((b.get(k) ?? NaN) - (a.get(k) ?? NaN)) * scale) / secs * 10) / 10;
  return { ...frames, mainThreadCpuMsPerS: perS('ThreadTime'), mainThreadTaskMsPerS: perS('TaskDuration'), layoutsPerS: perS('LayoutCount', 1) };
}

declare global {
  interface Window {
    frameTimes(ms: number): Promise<{ deltas: number[]; longTasksMs: number }>;
  }
}
