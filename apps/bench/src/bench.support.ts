import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { ApiKeyService } from '@app/access';
import { loadConfig, startEmbeddedPostgres, type EmbeddedDatabase } from '@app/platform';
import { createApp } from '../../api/src/app.factory';

/** Connections of every pool the bench opens: the API's default, so the bare baselines get the same. */
export const POOL_SIZE = 10;

/** One line of the final table; `met` is absent for a figure without a target. */
export interface Row {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
}

export function log(line: string): void {
  console.error(`[bench] ${line}`);
}

/**
 * The PostgreSQL the bench runs on: the server of DATABASE_URL, or an embedded
 * one in a temporary directory. Every database it creates is dropped by stop().
 */
export class BenchServer {
  private readonly created: string[] = [];

  private constructor(
    readonly adminUrl: string,
    private readonly embedded?: EmbeddedDatabase,
    private readonly dataDir?: string,
  ) {}

  static async start(): Promise<BenchServer> {
    if (process.env.DATABASE_URL) return new BenchServer(process.env.DATABASE_URL);
    const dataDir = await mkdtemp(join(tmpdir(), 'bench-'));
    await chmod(dataDir, 0o755); // the server runs as user postgres
    log(`starting an embedded PostgreSQL in ${dataDir}`);
    const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
    return new BenchServer(embedded.adminUrl, embedded, dataDir);
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  /** A fresh database; its URL. */
  async createDatabase(label: string): Promise<string> {
    const name = `bench_${label}_${Date.now().toString(36)}`;
    await this.admin(`create database "${name}"`);
    this.created.push(name);
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async stop(): Promise<void> {
    for (const name of this.created.splice(0)) {
      await this.admin(`drop database if exists "${name}" with (force)`).catch((error: unknown) => log(`could not drop ${name}: ${String(error)}`));
    }
    await this.embedded?.stop().catch(() => undefined);
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true }).catch(() => undefined);
  }

  async admin(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export interface Api {
  app: NestFastifyApplication;
  url: string;
  editorKey: string;
  get(path: string): Promise<number>;
}

const ADMIN_KEY = `bench-admin-${randomUUID()}`;

/** The API as production builds it, listening on a free port, with an editor key. */
export async function startApi(databaseUrl: string): Promise<Api> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'error',
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    // the load comes from one key: rate limiting is not what is measured
    RATE_LIMIT_PER_KEY: '10000000',
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const editorKey = (await app.get(ApiKeyService).create('bench editor', ['editor'])).key;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) => httpGet(agent, `${url}${path}`, editorKey);
  return { app, url, editorKey, get };
}

/** A GET on a kept-alive connection; the size of the body. Anything but a 200 throws. */
function httpGet(agent: Agent, url: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: `Bearer ${key}` } }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (res.statusCode !== 200) chunks.push(chunk);
      });
      res.on('end', () =>
        res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${url}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`)),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A POST whose answer must be a 201; its JSON body. */
export async function postCreated(api: Api, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.editorKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Milliseconds each call of `work` took. */
export async function timed(times: number[], work: () => Promise<unknown>): Promise<void> {
  const began = performance.now();
  await work();
  times.push(performance.now() - began);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function mean(values: number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

/**
 * Which side goes first in round `round`: the baseline and the target swap
 * places every round, so neither always meets the machine warmer or busier.
 */
export function sidesOf<T>(round: number, target: T, baseline: T): [T, T] {
  return round % 2 === 0 ? [baseline, target] : [target, baseline];
}
