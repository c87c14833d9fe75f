// The timeline's drawing thread (timeline-draw.ts): the page transfers the canvas, then sends what
// the log gained and how to draw it. Every delta is kept; the drawing is the latest view's, once
// per animation frame, however many came (a 100-validator classroom can send them faster than a
// draw takes).
/// <reference lib="webworker" />
import { TimelineScene, drawTimeline } from './timeline-draw.js';
import type { TimelineDelta, TimelineView } from './timeline-draw.js';

export type TimelineMessage = { canvas: OffscreenCanvas } | { delta: TimelineDelta; view: TimelineView };

const scope = self as unknown as DedicatedWorkerGlobalScope;
const scene = new TimelineScene();
let canvas: OffscreenCanvas | null = null;
let view: TimelineView | null = null;
let drawing = false;

function draw(): void {
  drawing = false;
  if (!canvas || !view) return;
  const { width, height, dpr } = view;
  // only a new size reallocates the bitmap (as canvas.ts's sizeCanvas on the page)
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (canvas.width !== w || canvas.height !== h) [canvas.width, canvas.height] = [w, h];
  drawTimeline(canvas.getContext('2d')!, scene, view);
}

scope.onmessage = (e: MessageEvent<TimelineMessage>) => {
  const m = e.data;
  if ('canvas' in m) canvas = m.canvas;
  else {
    scene.apply(m.delta);
    view = m.view;
  }
  if (!drawing) {
    drawing = true;
    scope.requestAnimationFrame(draw);
  }
};
