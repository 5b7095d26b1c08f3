import { EventStore1732240000000 } from './1732240000000-event-store';

/** Every migration, in order. The app and the migration CLI both run this list. */
export const migrations = [EventStore1732240000000];
