import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots go here (artifacts/ is gitignored; CI keeps it). */
export const SCREENSHOTS = join(root, 'artifacts', 'web-e2e');
mkdirSync(SCREENSHOTS, { recursive: true });
for (const old of readdirSync(SCREENSHOTS)) if (old.startsWith('failed-')) rmSync(join(SCREENSHOTS, old));

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Saves a full-page screenshot as artifacts/web-e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Runs axe-core on the page as it is now and returns the violations of serious or critical impact, one line
 * each with the offending elements. The source is evaluated through the DevTools protocol, which the
 * gateway's Content-Security-Policy does not govern (an injected <script> tag would be refused).
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const results = await page.evaluate(
    () => (globalThis as unknown as { axe: { run(context: unknown, options: object): Promise<AxeResults> } }).axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 5).join(', ')}`);
}

/** Signs in through the development picker as the person whose button reads "Sign in as <name>, …". */
export async function signIn(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${name},`) }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The count the bell announces ("Notifications, 3 unread"; "none unread" is 0). */
export async function unreadOnBell(page: Page): Promise<number> {
  const bell = page.getByRole('button', { name: /^Notifications, .* unread$/ });
  await bell.waitFor();
  const label = (await bell.getAttribute('aria-label')) ?? '';
  const count = /, (\d+) unread$/.exec(label)?.[1];
  return count === undefined ? 0 : Number(count);
}
