import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { ApiKeyService } from '@app/access';
import { loadConfig, startEmbeddedPostgres, type EmbeddedDatabase } from '@app/platform';
import { createApp } from '../../api/src/app.factory';
import type { LoadOptions, LoadResult } from './load.worker';

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

/** The PostgreSQL the bench runs on: the server of DATABASE_URL, or an embedded one in a temporary directory; stop() drops every database it created. */
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

/** Where requests go: a server's address and the key they carry. */
export type Endpoint = { url: string; editorKey: string };

export interface Api extends Endpoint {
  app: NestFastifyApplication;
  /** Kept-alive connections to the API, up to ten; requests sent in turn keep to one. */
  agent: Agent;
  get(path: string): Promise<number>;
}

export const ADMIN_KEY = `bench-admin-${randomUUID()}`;

/** The API's settings for the bench, whether it runs in the bench's process or in its own. */
export function apiSettings(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DEMO_DATA: 'false',
    LOG_LEVEL: 'error',
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    // the load comes from one key: rate limiting is not what is measured
    RATE_LIMIT_PER_KEY: '10000000',
  };
}

/** The API as production builds it, listening on a free port, with an editor key. */
export async function startApi(databaseUrl: string): Promise<Api> {
  const app = await createApp(loadConfig(apiSettings(databaseUrl)), { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const editorKey = (await app.get(ApiKeyService).create('bench editor', ['editor'])).key;
  const agent = new Agent({ keepAlive: true, maxSockets: 10 });
  const get = (path: string) => httpGet(agent, `${url}${path}`, editorKey);
  return { app, url, editorKey, agent, get };
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

/** A POST of a JSON body with the endpoint's key, on `agent`'s connections; its status and body. */
export function post(agent: Agent, to: Endpoint, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${to.editorKey}`, 'content-type': 'application/json' };
    const req = request(`${to.url}${path}`, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A POST whose answer must be a 201; its JSON body. */
export async function postCreated(agent: Agent, to: Endpoint, path: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await post(agent, to, path, JSON.stringify(body));
  if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** Opens `count` deals, ten at a time; the claims path of each. */
export async function openDeals(api: Endpoint, agent: Agent, count: number): Promise<string[]> {
  const paths: string[] = [];
  const deal = (i: number) => ({ title: `Twitter / Clubhouse ${i}`, kind: 'acquisition', parties: [{ name: 'Twitter', role: 'acquirer' }, { name: 'Clubhouse', role: 'target' }] });
  while (paths.length < count) {
    const batch = Array.from({ length: Math.min(10, count - paths.length) }, (_, j) => postCreated(agent, api, '/deals', deal(paths.length + j)));
    paths.push(...(await Promise.all(batch)).map((created) => `/deals/${String(created.id)}/claims`));
  }
  return paths;
}

/** The claim that the http and feed benches record, over and over. */
export const CLAIM_BODY = {
  kind: 'offer_made',
  statement: 'Twitter offered about $4B',
  occurredAt: '2021-04',
  amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
  sources: [{ outlet: 'Bloomberg', publishedAt: '2021-04-07', via: [{ outlet: 'The Verge' }] }],
};

/** One autocannon round of CLAIM_BODY posted to `paths` in turn, in a thread of its own (load.worker.ts); a failure there rejects. */
export function runLoad(to: Endpoint, paths: string[], connections: number, seconds: number): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${to.editorKey}`, 'content-type': 'application/json' };
  const workerData: LoadOptions = { url: to.url, connections, seconds, paths, headers, body: JSON.stringify(CLAIM_BODY) };
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'load.worker.js'), { workerData });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the load thread stopped with ${code}`))));
  });
}

/** Milliseconds `work` took. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await work();
  return performance.now() - began;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function mean(values: number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

/** Which side goes first in round `round`: target and baseline swap places every round, so neither always meets the machine warmer or busier. */
export function sidesOf<T>(round: number, target: T, baseline: T): [T, T] {
  return round % 2 === 0 ? [baseline, target] : [target, baseline];
}
