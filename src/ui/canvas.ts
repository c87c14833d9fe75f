// What the canvas views (Timeline, VoteGrid) share of drawing.

/**
 * Sizes a canvas for `width`×`height` CSS px at `dpr`, only when that changes: setting `width`,
 * even to the same value, reallocates the bitmap (and the compositor's texture) on every draw.
 * The caller resets the transform and clears, as a resize would have.
 */
export function sizeCanvas(c: HTMLCanvasElement, width: number, height: number, dpr: number): void {
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  if (c.width === w && c.height === h) return;
  c.width = w;
  c.height = h;
  c.style.width = `${width}px`;
  c.style.height = `${height}px`;
}

