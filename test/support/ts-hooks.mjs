/**
 * Module hooks that let a child process run the TypeScript sources, as jest
 * runs them for the specs: `@app/*` resolved as tsconfig.json maps it,
 * extensionless relative imports resolved to `.ts` files, and `.ts` files
 * compiled by SWC with the options the jest transform uses.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

const root = new URL('../../', import.meta.url);

function typescriptFile(base) {
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
    if (existsSync(fileURLToPath(candidate))) return { url: candidate, format: 'module', shortCircuit: true };
  }
  return null;
}

export async function resolve(specifier, context, next) {
  const alias = /^@app\/([a-z-]+)(?:\/(.+))?$/.exec(specifier);
  if (alias) {
    const found = typescriptFile(new URL(`libs/${alias[1]}/src/${alias[2] ?? 'index'}`, root).href);
    if (found) return found;
  }
  if (/^\.\.?\//.test(specifier) && context.parentURL?.endsWith('.ts')) {
    const found = typescriptFile(new URL(specifier, context.parentURL).href);
    if (found) return found;
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = await transform(await readFile(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  });
  return { format: 'module', source: code, shortCircuit: true };
}
