export * from './event-store';
export * from './event-store.errors';
export * from './event-store.module';
export * from './event-store.types';
export * from './subscription-runner';
export * from './upcaster-registry';
