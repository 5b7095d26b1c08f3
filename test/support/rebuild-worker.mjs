/**
 * The deal rebuild's fold thread, run from its TypeScript source (the specs
 * have no compiled build): global-setup points REBUILD_WORKER here.
 */
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
await import('../../libs/newsroom/src/projections/deal-rebuild.worker.ts');
