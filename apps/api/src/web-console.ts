import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where Vite writes the console (apps/web/vite.config.ts). Resolved from the
 * working directory, as the demo data is: `npm start`, the tests and the Docker
 * image all run from the repository root.
 */
export function webConsoleRoot(cwd: string = process.cwd()): string {
  return resolve(cwd, 'dist/web');
}

/**
 * Serves the fact-checker console at `/`: each built file gets a route of its
 * own (no wildcard), so every other path stays the API's. Hashed assets are
 * cached for good; the page itself is checked on each load.
 */
export async function registerWebConsole(app: NestFastifyApplication, root: string = webConsoleRoot()): Promise<void> {
  if (!existsSync(resolve(root, 'index.html'))) {
    app
      .getHttpAdapter()
      .getInstance()
      .get('/', (_request, reply) => {
        void reply.type('text/plain; charset=utf-8').send('The console is not built: run `npm run build`. The API is at /docs.');
      });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    setHeaders: (reply, path) => {
      void reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
