import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's Chromium, installed with apt-get when it is missing and this runs
 * as root (CI does the same in .ci/run). Never a downloaded browser. Returns
 * why the browser tests must be skipped, or null when Chromium is there.
 */
export function ensureChromium(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const root = process.getuid?.() === 0;
  const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (root && aptGet) {
    spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'ignore', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync(CHROMIUM)) return null;
  }
  return `browser tests skipped: ${CHROMIUM} is missing and could not be installed (${root ? '' : 'not root, '}${aptGet ? 'apt-get install -y chromium failed' : 'no apt-get'})`;
}

export function launchChromium(): Promise<Browser> {
  return playwright.chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Builds the console as `npm run build` does, into a folder of this run's own
 * (served through WEB_CONSOLE_DIR), so a build of dist/web running meanwhile
 * cannot pull the files from under the test.
 */
export function buildConsole(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'newsroom-console-'));
  const vite = join(process.cwd(), 'node_modules/.bin/vite');
  const result = spawnSync(vite, ['build', '--config', 'apps/web/vite.config.ts', '--outDir', outDir, '--emptyOutDir'], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  return outDir;
}

const AXE = readFileSync(join(process.cwd(), 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Runs axe-core on the page and returns its serious and critical violations. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    // runs in the page: its globals are reached through globalThis, as this file is compiled without DOM types
    const page = globalThis as unknown as {
      document: unknown;
      axe: { run: (context: unknown, options: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
    };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
