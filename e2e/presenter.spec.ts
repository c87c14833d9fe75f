// The classroom as a presenter uses it (issue 15): a clicker's PageDown/PageUp through every
// caption of every lesson, keys that keep working whatever was clicked, a projector's layout at
// 1280×800 and 1920×1080 (screenshots kept with the test's results), a link that opens at the
// moment shown, a message dropped on the wire that the link replays, and 100 validators.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { LESSONS } from '../src/ui/lessons.js';

/** The built app (playwright.config.ts serves it; PREVOTE_APP points the tests at another server). */
const APP = process.env.PREVOTE_APP ?? 'http://127.0.0.1:4173/';

async function open(page: Page, url = APP) {
  await page.goto(url);
  await expect(page.getByTestId('log-hash')).not.toBeEmpty();
}

const time = async (page: Page) => Number((await page.getByTestId('time').textContent())!.split(' ')[0]);

/** The scenario a page's address carries. */
const scenarioIn = (url: string) => JSON.parse(Buffer.from(new URLSearchParams(new URL(url).hash.slice(1)).get('s')!, 'base64url').toString());

for (const lesson of LESSONS) {
  test(`${lesson.id}: PageDown reaches every caption in order, PageUp goes back one`, async ({ page }) => {
    await open(page);
    await page.keyboard.press('p');
    await page.getByRole('combobox', { name: 'lesson' }).selectOption(lesson.id); // the picker keeps the focus
    const n = lesson.captions.length;
    await expect(page.getByTestId('caption-index')).toHaveText(`0/${n}`);
    const shows = async (i: number) => {
      await expect(page.getByTestId('caption-index')).toHaveText(`${i + 1}/${n}`, { timeout: 60_000 });
      await expect(page.getByTestId('caption-text')).toContainText(lesson.captions[i].text.slice(0, 40));
    };
    const at: number[] = []; // where each caption was shown
    for (let i = 0; i < n; i++) {
      await page.keyboard.press('PageDown');
      await shows(i);
      await expect(page.getByTestId('play')).toHaveText('Play'); // paused on the caption
      at.push(await time(page));
      if (i > 0) {
        await page.keyboard.press('PageUp');
        await shows(i - 1);
        await expect.poll(() => time(page)).toBeLessThanOrEqual(at[i - 1] + 0.01); // the run went back there
        await page.keyboard.press('PageDown');
        await shows(i);
        await expect(page.getByTestId('play')).toHaveText('Play');
        expect(await time(page)).toBeCloseTo(at[i], 1);
      }
    }
    await expect(page.getByRole('combobox', { name: 'lesson' })).toHaveValue(lesson.id); // no key changed the lesson
  });
}

test('presenter keys work after choosing a lesson and after clicking the seek bar', async ({ page }) => {
  await open(page);
  await page.keyboard.press('p');
  await expect(page.locator('.app.presenter')).toHaveCount(1);
  await page.getByRole('combobox', { name: 'lesson' }).selectOption('proposer-crash');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('caption-index')).toHaveText('1/4', { timeout: 60_000 });
  // the bar's left end: back to the start (a key pressed before that frame is shown would move on
  // from the caption being left, after it from the start: the test waits, not to race the seek)
  await page.getByRole('slider', { name: 'seek' }).click({ position: { x: 4, y: 5 } });
  await expect(page.getByTestId('time')).toHaveText('0.00 s');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('caption-index')).toHaveText('1/4', { timeout: 60_000 });
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('caption-index')).toHaveText('2/4', { timeout: 60_000 });
  await page.keyboard.press('PageUp');
  await expect(page.getByTestId('caption-index')).toHaveText('1/4');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Pause');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play')).toHaveText('Play');
  await expect(page.getByRole('combobox', { name: 'lesson' })).toHaveValue('proposer-crash');
});

test('1–4 jump to the next polka, lock, timeout and commit as the buttons do, wherever focus is except in a text field', async ({ page, context }) => {
  // the buttons, in another page of the same lesson, are the reference for where each key goes
  const ref = await context.newPage();
  for (const p of [page, ref]) {
    await open(p);
    await p.getByRole('combobox', { name: 'lesson' }).selectOption('proposer-crash'); // n2 is down at height 2: n0 times out
    await expect(p.getByTestId('time')).toHaveText('0.00 s');
  }
  // each node's running timeout comes in its summary (observe/timers.ts): timeout_commit before height 1
  await expect(page.locator('[data-testid=timer][data-timer=timeout_commit]')).toHaveCount(4);
  await expect(page.getByTestId('next-timeout')).toHaveAttribute('title', /\(key 3\)$/);
  await page.keyboard.press('?');
  await expect(page.getByTestId('help')).toContainText('next polka / lock / timeout / commit');
  await page.keyboard.press('Escape');
  // focus on the seek bar (clicked where it already is) and then on the lesson picker: the keys still jump
  await page.getByRole('slider', { name: 'seek' }).click({ position: { x: 2, y: 5 } });
  const kinds = ['polka', 'lock', 'timeout', 'commit'] as const;
  for (const [i, kind] of kinds.entries()) {
    if (i === 2) await page.getByRole('combobox', { name: 'lesson' }).focus();
    const before = await page.getByTestId('log-hash').textContent();
    await page.keyboard.press(String(i + 1));
    await expect(page.getByTestId('log-hash')).not.toHaveText(before!);
    await ref.getByTestId(`next-${kind}`).click();
    await expect(ref.getByTestId('log-hash')).not.toHaveText(before!);
    await expect(page.getByTestId('time'), kind).toHaveText((await ref.getByTestId('time').textContent())!);
    await expect(page.getByTestId('log-hash'), kind).toHaveText((await ref.getByTestId('log-hash').textContent())!);
    await expect(page.getByTestId('play')).toHaveText('Play'); // paused there
  }
  await expect(page.getByRole('combobox', { name: 'lesson' })).toHaveValue('proposer-crash');
  // typing a 4 into the settings' seed field types it
  const at = await page.getByTestId('time').textContent();
  await page.getByTestId('settings').click();
  await page.getByTestId('set-seed').fill('1');
  await page.getByTestId('set-seed').press('4');
  await expect(page.getByTestId('set-seed')).toHaveValue('14');
  await page.waitForTimeout(300);
  await expect(page.getByTestId('time')).toHaveText(at!);
});

for (const [w, h] of [[1280, 800], [1920, 1080]] as const) {
  test(`presenter mode at ${w}×${h}: everything in view, labels readable from the back of the room`, async ({ page }, info) => {
    await page.setViewportSize({ width: w, height: h });
    await open(page);
    await page.keyboard.press('p');
    await page.getByTestId('next-polka').click(); // a moment with votes on the wire and a caption up
    await expect(page.getByTestId('caption-index')).not.toHaveText(/^0\//);
    await expect(page.locator('.messages circle:not(.hit)').first()).toBeVisible();
    await page.screenshot({ path: info.outputPath(`presenter-${w}x${h}.png`) });
    // no panel reaches past the viewport, and nothing is below the fold
    const overflow = await page.evaluate(() => {
      const out: string[] = [];
      for (const p of document.querySelectorAll('.panel')) {
        const r = p.getBoundingClientRect();
        if (r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5 || r.left < -0.5 || r.top < -0.5) out.push(`${p.className} ${JSON.stringify(r)}`);
      }
      if (document.documentElement.scrollHeight > innerHeight + 1) out.push(`page scrolls: ${document.documentElement.scrollHeight}`);
      return out;
    });
    expect(overflow).toEqual([]);
    await expect(page.getByTestId('round-state')).toContainText('POL'); // a proposal with its block hash, the longest value
    expect(await clippedInInspector(page)).toEqual([]);
    // node labels and message dots as drawn on the screen (CSS size × the SVG's scale)
    const sizes = await page.evaluate(() => {
      const svg = document.querySelector<SVGSVGElement>('[data-testid=network]')!;
      const scale = svg.getScreenCTM()!.a;
      const labels = [...svg.querySelectorAll<SVGTextElement>('.node text.name')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
      const dots = [...svg.querySelectorAll<SVGCircleElement>('.messages circle:not(.hit)')].map((c) => c.getBoundingClientRect().width / 2);
      return { labels, dots };
    });
    expect(sizes.labels).toHaveLength(4);
    const smallest = Math.min(...sizes.labels);
    info.annotations.push({ type: 'sizes', description: `labels ${smallest.toFixed(1)} px, dots ${Math.min(...sizes.dots).toFixed(1)} px radius` });
    if (w >= 1920) {
      expect(smallest).toBeGreaterThanOrEqual(18);
      expect(Math.min(...sizes.dots)).toBeGreaterThanOrEqual(4);
    } else expect(smallest).toBeGreaterThanOrEqual(16);
    // the debugging tables wait until asked for
    await expect(page.getByTestId('vote-bits')).toHaveCount(0);
    await page.getByTestId('show-tables').click();
    await expect(page.getByTestId('vote-bits')).toBeVisible();
    expect(await clippedInInspector(page)).toEqual([]);
  });
}

/**
 * Text in the Inspector that does not fit its box and cannot be read whole: wider than its element
 * (scrollWidth > clientWidth), unless the element is a table's own scroll area (or inside one), or
 * an ellipsis whose title gives the whole value. The panel itself must not scroll sideways.
 */
function clippedInInspector(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const panel = document.querySelector('.inspector')!;
    const out: string[] = [];
    for (const el of [panel, ...panel.querySelectorAll<HTMLElement>('*')]) {
      if (!(el instanceof HTMLElement) || el.scrollWidth <= el.clientWidth + 1) continue;
      const css = getComputedStyle(el);
      const scrolls = el !== panel && (css.overflowX === 'auto' || css.overflowX === 'scroll');
      const insideScroll = el.parentElement?.closest('.virtual') !== null;
      const ellipsis = css.textOverflow === 'ellipsis' && css.overflowX === 'hidden' && el.title === el.textContent;
      if (!scrolls && !insideScroll && !ellipsis) out.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el.clientWidth}: ${el.textContent!.slice(0, 50)}`);
    }
    return out;
  });
}

test('a link opens at the moment and on the node the teacher was showing', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  await page.getByRole('combobox', { name: 'lesson' }).selectOption('lock-on-polka');
  await page.getByTestId('node-2').click();
  await expect(page.getByTestId('vote-grid')).toContainText('HeightVoteSet of n2');
  await page.getByTestId('next-lock').click();
  await expect(page.getByTestId('time')).not.toHaveText('0.00 s');
  await expect(page.getByTestId('vote-grid')).toContainText('+2/3 for'); // n2 saw the polka it locked on
  const t = await time(page);
  expect(t).toBeGreaterThan(1);
  const hash = await page.getByTestId('log-hash').textContent();
  const grid = await page.getByTestId('vote-grid').locator('h2').textContent();
  await page.getByTestId('share').click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('lesson=lock-on-polka');
  const other = await context.newPage();
  await open(other, link);
  await expect(other.getByTestId('time')).toHaveText(`${t.toFixed(2)} s`);
  await expect(other.getByTestId('log-hash')).toHaveText(hash!);
  await expect(other.getByTestId('vote-grid').locator('h2')).toHaveText(grid!);
});

test('a message dropped on the wire is recorded, and the link replays it', async ({ page, context }) => {
  await open(page);
  await page.getByTestId('speed').selectOption('0.01');
  // step until a proposal, part or vote is on its way between two nodes, clear of both
  let target: { x: number; y: number; label: string } | null = null;
  for (let i = 0; i < 200 && !target; i++) {
    const before = await page.getByTestId('log-hash').textContent();
    await page.getByTestId('step').click();
    await expect(page.getByTestId('log-hash')).not.toHaveText(before!); // the step's frame is drawn
    target = await page.evaluate(() => {
      for (const m of document.querySelectorAll<SVGCircleElement>('[data-testid=message]')) {
        const label = m.getAttribute('aria-label')!;
        if (!/^(Vote|Proposal|BlockPart) /.test(label)) continue;
        const r = m.getBoundingClientRect();
        const [x, y] = [r.x + r.width / 2, r.y + r.height / 2];
        if (document.elementFromPoint(x, y) === m) return { x, y, label };
      }
      return null;
    });
  }
  expect(target).not.toBeNull();
  const [, from, to] = /from n(\d+) to n(\d+)$/.exec(target!.label)!.map(Number);
  const onLink = () => page.locator(`[data-testid=message][aria-label$="from n${from} to n${to}"], [data-testid=message][aria-label$="from n${to} to n${from}"]`);
  expect(await onLink().count()).toBeGreaterThan(0);
  await page.mouse.click(target!.x, target!.y);
  await expect.poll(() => scenarioIn(page.url()).faults.at(-1)).toMatchObject({ kind: 'dropMessage', from, to });
  await expect(onLink()).toHaveCount(0); // lost with everything else on that connection
  await page.getByRole('slider', { name: 'seek' }).fill('6000');
  await expect(page.getByTestId('time')).toHaveText('6.00 s');
  const hash = await page.getByTestId('log-hash').textContent();
  const other = await context.newPage();
  await open(other, page.url());
  await expect(other.getByTestId('time')).toHaveText('6.00 s');
  await expect(other.getByTestId('log-hash')).toHaveText(hash!);
});

test('100 validators: a ring with names on hover, a grid in one pixel column each, and the pace the simulator keeps', async ({ page }) => {
  const s = Buffer.from(JSON.stringify({ validators: 100, seed: 1, topology: 'regular:8', faults: [] })).toString('base64url');
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, `${APP}#s=${s}`);
  await page.keyboard.press('p');
  await page.getByTestId('node-42').hover();
  await expect(page.getByTestId('hover-label')).toContainText('n42');
  const column = Number(await page.getByTestId('vote-canvas').getAttribute('data-column'));
  expect(column).toBeLessThan(4);
  const [canvas, panel] = await Promise.all([page.getByTestId('vote-canvas').boundingBox(), page.getByTestId('vote-grid').boundingBox()]);
  expect(canvas!.x + canvas!.width).toBeLessThanOrEqual(panel!.x + panel!.width);
  await page.getByTestId('speed').selectOption('1');
  await page.getByTestId('play').click();
  // 100 real nodes cannot keep up with the wall clock here: the page says how far behind it runs
  await expect(page.getByTestId('pace')).toContainText(/simulating at 0\.\d+× real time/, { timeout: 30_000 });
  expect(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1)).toBe(true);
});

test('100 validators: clusters by height/round/step, and the message under the pointer is dropped by a click', async ({ page }) => {
  const s = Buffer.from(JSON.stringify({ validators: 100, seed: 1, topology: 'regular:8', faults: [] })).toString('base64url');
  await open(page, `${APP}#s=${s}`);
  await page.getByTestId('clusters').click();
  const counts = async () => (await page.getByTestId('cluster').allTextContents()).map((x) => Number(x.split(' · ')[1]));
  await expect.poll(async () => (await counts()).reduce((a, b) => a + b, 0)).toBe(100);
  await page.getByTestId('clusters').click(); // back to the ring
  await expect(page.getByTestId('cluster')).toHaveCount(0);
  // on, 10 ms at a time, until messages are on the way between nodes; then aim at one drawn clear of them
  let head: { x: number; y: number } | null = null;
  for (let t = 1010; t <= 1400 && !head; t += 10) {
    await page.getByRole('slider', { name: 'seek' }).fill(String(t));
    await expect(page.getByTestId('time')).toHaveText(`${(t / 1000).toFixed(2)} s`);
    head = await page.evaluate(() => {
      const svg = document.querySelector<SVGSVGElement>('[data-testid=network]')!;
      const m = svg.getScreenCTM()!;
      for (const path of svg.querySelectorAll('.messages.many path')) {
        // each message is a short segment "M tail L head": the head is where it is drawn now
        for (const [, x, y] of (path.getAttribute('d') ?? '').matchAll(/L(-?[\d.]+) (-?[\d.]+)/g)) {
          const p = new DOMPoint(Number(x), Number(y)).matrixTransform(m);
          const under = document.elementFromPoint(p.x, p.y);
          if (under && !under.closest('.node')) return { x: p.x, y: p.y };
        }
      }
      return null;
    });
  }
  expect(head).not.toBeNull();
  await page.mouse.move(head!.x, head!.y);
  const aimed = page.getByTestId('message-aimed');
  await expect(aimed).toHaveCount(1);
  const label = (await aimed.getAttribute('aria-label'))!;
  const [, from, to] = /from n(\d+) to n(\d+)$/.exec(label)!.map(Number);
  await page.mouse.click(head!.x, head!.y);
  await expect.poll(() => scenarioIn(page.url()).faults.at(-1)).toMatchObject({ kind: 'dropMessage', from, to });
  // lost with everything else on that connection: what the pointer is on now (if anything) is another message
  await expect(page.locator(`[data-testid=message-aimed][aria-label$="from n${from} to n${to}"], [data-testid=message-aimed][aria-label$="from n${to} to n${from}"]`)).toHaveCount(0);
});
