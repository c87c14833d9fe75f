// Debian's Chromium, never a downloaded browser, with the flags it needs to run headless here
// (../shared/notes/libp2p.md). Shared by the Playwright config and the browser benchmarks.
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ],
};
