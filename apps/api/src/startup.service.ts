import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ApiKeyService } from '@app/access';
import { AppConfig } from '@app/platform';

/** What runs once the database is ready: the bootstrap admin key. */
@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.BOOTSTRAP_ADMIN_KEY) {
      await this.keys.ensure(this.config.BOOTSTRAP_ADMIN_KEY, 'bootstrap admin', ['admin']);
      this.logger.log('BOOTSTRAP_ADMIN_KEY is an admin key');
    }
  }
}
