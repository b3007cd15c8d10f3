// A real browser for the console's end-to-end tests: Debian's Chromium driven by playwright-core, with the
// flags the machine needs (ENVIRONMENT.md). Also: the console built if it is not (as `npm test` does), the
// accessibility check (axe-core: no serious or critical violation) and screenshots for docs/console/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../config';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'docs', 'console');

/** Builds console/dist when missing or stale (the same script `npm start` and `npm test` run first). */
export function ensureConsoleBuilt(): void {
  execFileSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'ensure-deps.sh')], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/**
 * A fresh browser profile. The Microsoft sandbox serves HTTPS with a certificate from a throw-away local CA,
 * which the test browser accepts as a person accepts it once in theirs.
 */
export function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 1200, height: 820 },
    ignoreHTTPSErrors: true,
    timezoneId: 'Europe/Berlin',
    locale: 'en-GB',
  });
}

/** Every serious or critical axe-core violation on the page as it is now (with an open dialog, inside it). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** With CONSOLE_SCREENSHOTS=1, saves the page as docs/console/<name>.png (the README shows them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.CONSOLE_SCREENSHOTS) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
