import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ApiKeyService, ROLES, type Role } from '@app/access';
import { demoDataPath, NdjsonImporter } from '@app/newsroom';
import { AppConfig } from '@app/platform';

/** Held while one process checks for an empty store and loads the demo data, so API processes started together load it once. */
const DEMO_DATA_LOCK = 0x6e657773_64656d6fn; // 'newsdemo'

/**
 * What runs once the database is ready: the bootstrap admin key (never revived
 * once revoked), then, on an empty event store and with DEMO_DATA on, the demo
 * data with a key per role.
 */
@Injectable()
export class StartupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');
  /** The demo keys made on this start, shown once the server listens (announce). */
  private demoKeys?: Record<Role, { key: string }>;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.BOOTSTRAP_ADMIN_KEY) {
      const { revoked } = await this.keys.ensure(this.config.BOOTSTRAP_ADMIN_KEY, 'bootstrap admin', ['admin']);
      // a revoked key stays revoked: the setting must not undo a revocation at the next restart
      if (revoked) this.logger.warn('BOOTSTRAP_ADMIN_KEY is a revoked key and stays revoked: set it to a new key to get an admin key');
      else this.logger.log('BOOTSTRAP_ADMIN_KEY is an admin key');
    }
    if (this.config.DEMO_DATA) await this.loadDemoData();
  }

  /**
   * Loads the bundled demo data when the event store has no stream at all, so a
   * second start (or a database with real data) never loads it again. A failure
   * is logged and the API starts anyway: the demo is a convenience.
   */
  private async loadDemoData(): Promise<void> {
    const file = demoDataPath();
    if (!existsSync(file)) {
      this.logger.warn(`DEMO_DATA is on but ${file} is missing: no demo data loaded`);
      return;
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('select pg_advisory_lock($1)', [DEMO_DATA_LOCK.toString()]);
      const [{ empty }]: { empty: boolean }[] = await runner.query('select not exists (select 1 from es_streams) as empty');
      if (!empty) return;
      const importer = this.moduleRef.get(NdjsonImporter, { strict: false });
      try {
        // a file that does not check makes no keys: the next start tries again
        await importer.check(file);
      } catch (error) {
        this.logger.error(`the demo data did not load: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      const demoKeys = {} as Record<Role, { id: string; key: string }>;
      for (const role of ROLES) demoKeys[role] = await this.keys.create(`demo ${role}`, [role]);
      try {
        const report = await importer.importFile(file, {
          actors: {
            editor: { keyId: demoKeys.editor.id, roles: ['editor'] },
            fact_checker: { keyId: demoKeys.fact_checker.id, roles: ['fact_checker'] },
          },
        });
        this.logger.log(
          `demo data loaded from ${relative(process.cwd(), file)}: ${report.deals} deals, ${report.claims} claims, ${report.lines} commands`,
        );
      } catch (error) {
        this.logger.error(`the demo data did not load: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.demoKeys = demoKeys;
    } finally {
      await runner.query('select pg_advisory_unlock($1)', [DEMO_DATA_LOCK.toString()]).catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Once the server listens: where the API and its docs are and, on the start
   * that loaded the demo data, its keys (printed this once: only their hashes
   * are stored). A short plain block at a terminal, one log line otherwise.
   */
  announce(url: string, out: NodeJS.WriteStream = process.stdout): void {
    const keys = this.demoKeys;
    this.demoKeys = undefined;
    if (!out.isTTY) {
      // the keys are shown once: never let LOG_LEVEL=warn swallow them
      const level = Logger.isLevelEnabled('log') ? 'log' : 'warn';
      this.logger[level](
        keys
          ? { msg: 'API ready; demo API keys (shown once)', url, docs: `${url}/docs`, demoKeys: Object.fromEntries(ROLES.map((r) => [r, keys[r].key])) }
          : { msg: 'API ready', url, docs: `${url}/docs` },
      );
      return;
    }
    const lines = [
      '',
      `  Newsroom API   ${url}`,
      `  Swagger UI     ${url}/docs`,
      ...(keys
        ? [
            '',
            '  Demo API keys, one per role (shown this once; "Authorize" in the Swagger UI with one):',
            ...ROLES.map((role) => `    ${role.padEnd(13)} ${keys[role].key}`),
          ]
        : []),
      '',
    ];
    out.write(lines.join('\n') + '\n');
  }
}
