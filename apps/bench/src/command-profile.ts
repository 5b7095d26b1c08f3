/**
 * Where one command's time goes: wraps the API's own objects (DataSource,
 * EventStore, DealStateProjection, DealCommandService) in this process and
 * attributes every SQL statement and every layer's wall time to the request
 * being timed. Requests are sent one at a time, so "the current request" is
 * whatever runs between `begin()` and `end()`.
 *
 * With `explain` on, each statement of the request is first run under
 * EXPLAIN (ANALYZE, BUFFERS): inside the append transaction under a savepoint
 * that is rolled back, so the real statement then runs as usual.
 */
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';

export interface ExplainedStatement {
  label: string;
  sql: string;
  /** EXPLAIN ANALYZE output, or the error it raised. */
  plan: string;
  executionMs: number | null;
}

type AnyFn = (...args: unknown[]) => Promise<unknown>;

/** Names a statement by what it does. */
export function labelOf(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  if (s.includes('es_append(')) return 'es_append';
  if (s.includes('pg_advisory_xact_lock_shared')) return 'projection lock';
  if (s.startsWith('select head, opened_position')) return 'deal_states read';
  if (s.startsWith('select record from deal_claims where claim_id')) return 'deal_claims read (named, cache hit)';
  if (s.startsWith('select record from deal_claims')) return 'deal_claims read (working set, cache miss)';
  if (s.startsWith('insert into deal_states')) return 'deal_states write';
  if (s.startsWith('insert into deal_claims')) return 'deal_claims write';
  if (s.startsWith('insert into deal_state_items')) return 'deal_state_items write';
  if (s.startsWith('delete from deal_state_items')) return 'deal_state_items delete';
  if (s.startsWith('insert into deal_timeline')) return 'deal_timeline write';
  if (s.startsWith('insert into es_snapshots')) return 'es_snapshots write';
  if (s.includes('from es_snapshots')) return 'es_snapshots read';
  if (s.includes('http_idempotency')) return 'http_idempotency';
  if (s.includes('api_keys')) return 'api_keys';
  return `other: ${s.slice(0, 40)}`;
}

const PROJECTION_LABELS = new Set([
  'projection lock',
  'deal_states read',
  'deal_claims read (named, cache hit)',
  'deal_claims read (working set, cache miss)',
  'deal_states write',
  'deal_claims write',
  'deal_state_items write',
  'deal_state_items delete',
  'deal_timeline write',
]);

export class Profiler {
  private current: Map<string, number> | null = null;
  private bytes: Map<string, number> | null = null;
  private explaining = false;
  private explained: ExplainedStatement[] = [];
  private readonly restore: (() => void)[] = [];

  /** Wraps `method` of `target` (an instance: the wrapper shadows the prototype's). */
  private wrap(target: object, method: string, label: string): void {
    const holder = target as Record<string, AnyFn>;
    const hadOwn = Object.prototype.hasOwnProperty.call(target, method);
    const own = holder[method];
    const original = own.bind(target);
    holder[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        this.add(label, performance.now() - started);
      }
    };
    this.restore.push(() => {
      if (hadOwn) holder[method] = own;
      else delete holder[method];
    });
  }

  install(parts: { dataSource: DataSource; store: object; projection: object; service: object }): void {
    const { dataSource } = parts;
    const ds = dataSource as unknown as Record<string, AnyFn>;
    const hadQuery = Object.prototype.hasOwnProperty.call(ds, 'query');
    const query = ds.query;
    const runQuery = query.bind(dataSource);
    ds.query = async (...args: unknown[]) => {
      const [sql, parameters, runner] = args as [string, unknown[] | undefined, unknown];
      if (!this.current) return runQuery(sql, parameters, runner);
      const label = labelOf(sql);
      if (this.explaining) await this.explain(runQuery, label, sql, parameters, runner);
      if (parameters && this.bytes && label.endsWith('write')) {
        this.bytes.set(label, (this.bytes.get(label) ?? 0) + parameters.reduce<number>((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : 0), 0));
      }
      const started = performance.now();
      try {
        return await runQuery(sql, parameters, runner);
      } finally {
        const ms = performance.now() - started;
        this.add(`sql: ${label}`, ms);
        if (PROJECTION_LABELS.has(label)) this.add('projection sql', ms);
      }
    };
    this.restore.push(() => {
      if (hadQuery) ds.query = query;
      else delete ds.query;
    });

    const hadTransaction = Object.prototype.hasOwnProperty.call(ds, 'transaction');
    const transaction = ds.transaction;
    const runTransaction = transaction.bind(dataSource);
    ds.transaction = async (...args: unknown[]) => {
      if (!this.current) return runTransaction(...args);
      const body = args[args.length - 1] as AnyFn;
      const started = performance.now();
      try {
        return await runTransaction(...args.slice(0, -1), async (...inner: unknown[]) => {
          const bodyStarted = performance.now();
          try {
            return await body(...inner);
          } finally {
            this.add('tx body', performance.now() - bodyStarted);
          }
        });
      } finally {
        this.add('tx total', performance.now() - started);
      }
    };
    this.restore.push(() => {
      if (hadTransaction) ds.transaction = transaction;
      else delete ds.transaction;
    });

    this.wrap(parts.store, 'append', 'store.append');
    this.wrap(parts.projection, 'apply', 'projection.apply');
    this.wrap(parts.service, 'execute', 'handler');
    this.wrap(parts.service, 'load', 'service.load');
    this.wrap(parts.service, 'append', 'service.append');
  }

  uninstall(): void {
    while (this.restore.length > 0) this.restore.pop()?.();
  }

  begin(options: { explain?: boolean } = {}): void {
    this.current = new Map();
    this.bytes = new Map();
    this.explaining = options.explain ?? false;
    this.explained = [];
  }

  end(): { times: Map<string, number>; bytes: Map<string, number>; explained: ExplainedStatement[] } {
    const result = { times: this.current ?? new Map<string, number>(), bytes: this.bytes ?? new Map<string, number>(), explained: this.explained };
    this.current = null;
    this.bytes = null;
    this.explaining = false;
    this.explained = [];
    return result;
  }

  private add(label: string, ms: number): void {
    if (!this.current) return;
    this.current.set(label, (this.current.get(label) ?? 0) + ms);
  }

  private async explain(run: AnyFn, label: string, sql: string, parameters: unknown[] | undefined, runner: unknown): Promise<void> {
    if (label === 'api_keys' || label === 'http_idempotency') return;
    const inTransaction = runner !== undefined && runner !== null;
    const isRead = /^\s*select/i.test(sql) && label !== 'es_append';
    if (!inTransaction && !isRead) return;
    const statement: ExplainedStatement = { label, sql: sql.replace(/\s+/g, ' ').trim(), plan: '', executionMs: null };
    try {
      if (inTransaction) await run('savepoint bench_explain', [], runner);
      const rows = (await run(`explain (analyze, buffers, format text) ${sql}`, parameters, runner)) as Record<string, string>[];
      statement.plan = rows.map((row) => Object.values(row)[0]).join('\n');
      const match = /Execution Time: ([\d.]+) ms/.exec(statement.plan);
      statement.executionMs = match ? Number(match[1]) : null;
    } catch (error) {
      statement.plan = `EXPLAIN failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      if (inTransaction) await run('rollback to savepoint bench_explain', [], runner).catch(() => undefined);
    }
    this.explained.push(statement);
  }
}

/**
 * The phases of one request from the profiler's totals (ms). Layers nest:
 * handler ⊃ service.load + service.append ⊃ store.append ⊃ tx total ⊃ tx body
 * ⊃ es_append + projection.apply + snapshot write.
 */
export function phasesOf(httpMs: number, t: Map<string, number>): [string, number][] {
  const get = (k: string) => t.get(k) ?? 0;
  const projectionSql = get('projection sql');
  const bodySql = get('sql: es_append') + get('sql: es_snapshots write');
  return [
    ['HTTP round trip (client)', httpMs],
    ['  outside the handler (fastify, auth, validation, idempotency, fetch)', httpMs - get('handler')],
    ['  handler: load snapshots (es_snapshots read)', get('service.load')],
    ['  handler: decide, evolve, payload (the rest of the handler)', get('handler') - get('service.load') - get('store.append')],
    ['  store.append: outside the transaction', get('store.append') - get('tx total')],
    ['  transaction: pool, BEGIN, COMMIT (fsync)', get('tx total') - get('tx body')],
    ['  sql: es_append', get('sql: es_append')],
    ['  projection: sql', projectionSql],
    ...[...t.keys()]
      .filter((k) => k.startsWith('sql: ') && PROJECTION_LABELS.has(k.slice(5)))
      .sort()
      .map((k): [string, number] => [`    ${k}`, get(k)]),
    ['  projection: JS (working set, incremental apply, rows)', get('projection.apply') - projectionSql],
    ['  sql: es_snapshots write', get('sql: es_snapshots write')],
    ['  tx body: rest', get('tx body') - get('projection.apply') - bodySql],
  ];
}
