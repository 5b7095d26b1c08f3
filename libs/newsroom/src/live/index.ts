export * from './feed-events';
export * from './live.module';
export * from './live-metrics';
