import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/platform/src/database/data-source-options';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../libs/platform/src/database/embedded-postgres';
import { migrations } from '../../migrations';

export const TEMPLATE_DATABASE = 'newsroom_test_template';

declare global {
  var __embeddedTestDatabase: EmbeddedDatabase | undefined;
}

/**
 * Starts one PostgreSQL for the whole run (embedded, or the server of
 * TEST_DATABASE_URL), migrates a template database once, and leaves its address
 * in the environment for the spec files, which each clone their own database.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'newsroom-test-'));
    await chmod(dataDir, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir,
      database: 'newsroom_test',
      // a throwaway cluster: durability buys nothing here
      flags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    });
    globalThis.__embeddedTestDatabase = server;
    adminUrl = server.url;
  }
  const name = new URL(adminUrl).pathname.slice(1);
  if (!name.includes('test')) {
    throw new Error(`refusing to run tests against database "${name}": its name must contain "test"`);
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DATABASE);
  const dataSource = new DataSource(dataSourceOptions(templateUrl, [], migrations, 2));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  process.env.TEST_ADMIN_URL = adminUrl;
  process.env.TEST_TEMPLATE_DATABASE = TEMPLATE_DATABASE;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
