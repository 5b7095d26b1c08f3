import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, ClassList } from './data-source-options';
import { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';

export interface DatabaseSchema {
  entities: ClassList;
  migrations: ClassList;
}

/**
 * The database the service runs on: the server named by DATABASE_URL, or an
 * embedded PostgreSQL kept in DATA_DIR. Opening it runs the pending migrations.
 */
export class Database {
  private static readonly logger = new Logger('Database');
  private migrated = false;

  private constructor(
    readonly dataSource: DataSource,
    private readonly embedded?: EmbeddedDatabase,
  ) {}

  static async open(config: AppConfig, schema: DatabaseSchema): Promise<Database> {
    let embedded: EmbeddedDatabase | undefined;
    let url = config.DATABASE_URL;
    if (!url) {
      Database.logger.log(`starting the embedded PostgreSQL in ${config.DATA_DIR}`);
      embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR });
      url = embedded.url;
    }
    const dataSource = new DataSource(dataSourceOptions(url, schema.entities, schema.migrations, config.DATABASE_POOL_SIZE));
    try {
      await dataSource.initialize();
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      if (ran.length > 0) Database.logger.log(`ran ${ran.length} migration(s): ${ran.map((m) => m.name).join(', ')}`);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw error;
    }
    const database = new Database(dataSource, embedded);
    database.migrated = true;
    return database;
  }

  /** True when the server answers and the schema is migrated. */
  async isReady(): Promise<boolean> {
    if (!this.migrated || !this.dataSource.isInitialized) return false;
    try {
      await this.dataSource.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}
