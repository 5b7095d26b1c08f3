// Builds the console into dist/web, which the API serves at `/` (apps/api/src/web-console.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  build: { outDir: `${here}../../dist/web`, emptyOutDir: true, sourcemap: true },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  logLevel: 'warn',
});
