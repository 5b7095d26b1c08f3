import { Baseline1733000000000 } from './1733000000000-baseline';

/** Every migration, in order. The app and the migration CLI both run this list. */
export const migrations = [Baseline1733000000000];
