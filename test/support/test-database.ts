import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/platform';
import { migrations } from '../../migrations';
import { entities } from '../../migrations/data-source';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_ADMIN_URL;
  if (!url) throw new Error('TEST_ADMIN_URL is not set: run the tests through jest (npm test)');
  return url;
}

/**
 * A fresh database of this spec file's own: migrated, cloned from the run's
 * template; or, `empty`, with no migration run yet.
 */
export async function createTestDatabase({ empty = false } = {}): Promise<TestDatabase> {
  const name = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = process.env.TEST_TEMPLATE_DATABASE ?? 'newsroom_test_template';
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(empty ? `create database ${name}` : `create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export async function openDataSource(url: string, poolSize = 20): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(url, entities, migrations, poolSize));
  await dataSource.initialize();
  return dataSource;
}

/**
 * Runs the migrations `list` on the database at `url` (those it has not run
 * yet), then `work` on it; the connection is closed after.
 */
export async function afterMigrations<T>(url: string, list: typeof migrations, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = new DataSource(dataSourceOptions(url, [], list, 1));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
