import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LogCheckpoints } from '@app/event-store';
import { AppConfig } from '@app/platform';

/** Signs a checkpoint every CHECKPOINT_INTERVAL_SECONDS when the log grew; a refusal (the log no longer matches) is logged. */
@Injectable()
export class CheckpointScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly checkpoints: LogCheckpoints,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.CHECKPOINT_INTERVAL_SECONDS;
    if (seconds === 0 || !this.checkpoints.publicKey) return;
    this.timer = setInterval(() => this.tick(), seconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.checkpoints
      .sign({ onlyIfGrown: true })
      .then(
        (checkpoint) => {
          if (checkpoint) this.logger.log(`checkpoint ${checkpoint.id} signed over ${checkpoint.treeSize} events`);
        },
        (error: unknown) => this.logger.error(`no checkpoint signed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => (this.running = undefined));
  }
}
