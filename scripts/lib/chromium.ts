/**
 * Debian's Chromium as the tests and scripts/screenshot.ts launch it: the path, and the flags
 * measured on these machines (shared/STACK.md) to give working WebGL2 under SwiftShader without
 * any background traffic. Playwright talks to it over a pipe.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--remote-debugging-pipe',
];
