// Bundles a browser entry point with esbuild and serves it from http://localhost (a secure
// context, so WebCrypto is available) through Playwright's routing: no server process needed.
import { build } from 'esbuild';
import type { Page } from '@playwright/test';

export async function openBundle(page: Page, entry: string): Promise<void> {
  const out = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022' });
  const js = out.outputFiles[0].text;
  await page.route('http://localhost/**', (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/bundle.js') return route.fulfill({ contentType: 'text/javascript', body: js });
    return route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>' });
  });
  await page.goto('http://localhost/');
}
