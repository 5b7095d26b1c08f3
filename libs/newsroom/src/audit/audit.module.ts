import { join } from 'node:path';
import { Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CheckpointKey, LogCheckpoints } from '@app/event-store';
import { AppConfig } from '@app/platform';
import { AuditService } from './audit.service';
import { CheckpointScheduler } from './checkpoint.scheduler';
import { CheckpointsController } from './checkpoints.controller';
import { DealDriftCheck } from './deal-drift.check';

/** Where the checkpoint key is: the setting, else DATA_DIR on the embedded default, else nowhere (no checkpoints). */
export function checkpointKeyFile(config: AppConfig): string | null {
  return config.CHECKPOINT_KEY_FILE ?? (config.DATABASE_URL ? null : join(config.DATA_DIR, 'checkpoint-key.pem'));
}

function openCheckpoints(config: AppConfig, dataSource: DataSource): LogCheckpoints {
  const logger = new Logger('Checkpoints');
  const file = checkpointKeyFile(config);
  if (!file) {
    logger.warn('no CHECKPOINT_KEY_FILE: the log is not checkpointed');
    return new LogCheckpoints(dataSource, null);
  }
  const { key, created } = CheckpointKey.fromFile(file, true);
  if (created) logger.log(`created the checkpoint key ${key.keyId} in ${file}: keep it, and a copy, outside the database`);
  return new LogCheckpoints(dataSource, key);
}

/** Tamper evidence: signed checkpoints of the log, inclusion proofs, and the audit that checks it all. */
@Module({
  controllers: [CheckpointsController],
  providers: [
    { provide: LogCheckpoints, useFactory: openCheckpoints, inject: [AppConfig, DataSource] },
    DealDriftCheck,
    AuditService,
    CheckpointScheduler,
  ],
  exports: [AuditService, LogCheckpoints],
})
export class AuditModule {}
