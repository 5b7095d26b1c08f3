import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, ClassList } from './data-source-options';
import { EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';
import { embeddedRuntimeUrl } from './runtime-role';

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
    const target = url;
    const options = (queryTimeoutMs: number, poolSize: number, connectTo = target) =>
      dataSourceOptions(connectTo, schema.entities, schema.migrations, poolSize, {
        connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
        queryTimeoutMs,
      });
    // migrations may rewrite large tables: they run without the query timeout that guards requests
    const migrator = new DataSource(options(0, 1));
    let dataSource: DataSource | undefined;
    try {
      await migrator.initialize();
      const ran = await migrator.runMigrations({ transaction: 'each' });
      if (ran.length > 0) Database.logger.log(`ran ${ran.length} migration(s): ${ran.map((m) => m.name).join(', ')}`);
      await migrator.destroy();
      // requests run as the runtime role, which may append to the log but never rewrite it
      const serveAs =
        config.DATABASE_RUNTIME_URL ?? (embedded && config.EMBEDDED_RUNTIME_ROLE ? await embeddedRuntimeUrl(target) : target);
      dataSource = new DataSource(options(config.DATABASE_QUERY_TIMEOUT_MS, config.DATABASE_POOL_SIZE, serveAs));
      await dataSource.initialize();
    } catch (error) {
      if (migrator.isInitialized) await migrator.destroy();
      if (dataSource?.isInitialized) await dataSource.destroy();
      await embedded?.stop();
      throw error;
    }
    const database = new Database(dataSource, embedded);
    database.migrated = true;
    return database;
  }

  /** True when the server answers and the schema is migrated. */
  async isReady(): Promise<boolean> {
    return (await this.check()).database === 'up';
  }

  /** Whether the server answers within `timeoutMs`, and whether the schema is migrated. */
  async check(timeoutMs = 3000): Promise<{ database: 'up' | 'down'; migrations: 'done' | 'pending' }> {
    const migrations = this.migrated ? 'done' : 'pending';
    if (!this.dataSource.isInitialized) return { database: 'down', migrations };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((done) => (timer = setTimeout(() => done(false), timeoutMs)));
    const answered = this.dataSource.query('select 1').then(
      () => true,
      () => false,
    );
    try {
      return { database: (await Promise.race([answered, late])) ? 'up' : 'down', migrations };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}
