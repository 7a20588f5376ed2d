#!/usr/bin/env node
// Regenerates web/playground.png, the README's picture of the playground: a bytecode
// run with its trace and a block run sequentially and on Web Workers, in Debian's
// Chromium (/usr/bin/chromium or $LANES_CHROMIUM) via playwright-core. Needs a build.
import { chromium } from 'playwright-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const server = await startServer({ port: 0, quiet: true });
const browser = await chromium.launch({
  executablePath: process.env.LANES_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 800 } });
  await page.goto(server.url + 'web/');
  await page.waitForSelector('body[data-ready=true]');
  await page.addStyleTag({ content: '#statetest, footer { display: none } .scroll { max-height: none }' });
  await page.selectOption('#sample', 'counter');
  await page.click('#run-code');
  await page.waitForSelector('#bytecode[data-state=done]');
  await page.fill('#b-txs', '48');
  await page.click('#run-block');
  await page.waitForSelector('#block[data-state=done]', { timeout: 60_000 });
  const out = join(here, 'playground.png');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
