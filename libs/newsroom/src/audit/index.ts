export * from './audit.module';
export * from './audit.responses.dto';
export * from './audit.service';
export * from './deal-drift.check';
