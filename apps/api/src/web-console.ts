import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Serves the fact-checker console at `/` from WEB_CONSOLE_DIR, where Vite
 * writes it (apps/web/vite.config.ts). The folder is resolved from the working
 * directory, as the demo data is: `npm start` and the Docker image run from
 * the repository root. Each built file gets a route of its own (no wildcard),
 * so every other path stays the API's. Hashed assets are cached for good; the
 * page itself is checked on each load.
 */
export async function registerWebConsole(app: NestFastifyApplication, dir: string): Promise<void> {
  const root = resolve(process.cwd(), dir);
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
