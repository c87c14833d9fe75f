import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './e2e/chromium.js';

// The classroom tests run against the built app, served by `vite preview`.
export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  webServer: {
    command: 'npx vite build && npx vite preview --host 127.0.0.1 --port 4173 --strictPort',
    url: 'http://127.0.0.1:4173/',
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 950 },
    launchOptions: CHROMIUM,
  },
});
