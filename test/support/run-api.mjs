/**
 * Runs the API from its TypeScript sources in a child process, as `npm start`
 * runs the build: the crash test starts, kills and restarts it.
 */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
await import('../../apps/api/src/main.ts');
