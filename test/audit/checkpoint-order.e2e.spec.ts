import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { leafHash, treeRoot, verifyConsistency, verifyInclusion } from '@app/event-store';
import { runCli } from '../../apps/cli/src/cli';
import { openDeal, recordClaim } from '../api/api-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The log is ordered by transaction id as a number (xid8). Its text sorts
 * otherwise once the ids gain a digit ('10000' before '9999'), so this spec
 * takes transaction ids until the log's events lie on both sides of a power
 * of ten, and holds checkpoints, proofs and verify to the numeric order.
 */

let t: TestApp;
let sql: Client;
let keyDir: string;

/** The transaction id the next transaction of the cluster will get. */
async function nextTransactionId(): Promise<bigint> {
  const { rows } = await sql.query(`select pg_snapshot_xmax(pg_current_snapshot())::text as next`);
  return BigInt(rows[0].next);
}

/** Takes transaction ids until the next one is at least `target`: each subtransaction that writes takes one of its own. */
async function burnTransactionIdsTo(target: bigint): Promise<void> {
  await sql.query('create temp table if not exists burnt (n int)');
  for (let left = target - (await nextTransactionId()); left > 0n; left = target - (await nextTransactionId())) {
    const n = left < 50_000n ? left : 50_000n;
    await sql.query(`
      do $$ begin
        for i in 1..${n} loop
          begin insert into burnt values (i); raise sqlstate 'P0001'; exception when sqlstate 'P0001' then null; end;
        end loop;
      end $$`);
  }
}

/** The log in its global order, compared as numbers; each event's transaction id as a bigint. */
async function log(): Promise<{ position: number; txId: bigint; hash: string }[]> {
  const { rows } = await sql.query(`select position, tx_id::text as tx, hash from es_events order by tx_id, position`);
  return rows.map((r) => ({ position: Number(r.position), txId: BigInt(r.tx), hash: r.hash }));
}

async function dealEvent(dealId: string): Promise<{ position: number; txId: bigint }> {
  const { rows } = await sql.query(`select position, tx_id::text as tx from es_events where stream_id = $1 and version = 1`, [
    `deal-${dealId}`,
  ]);
  return { position: Number(rows[0].position), txId: BigInt(rows[0].tx) };
}

beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'newsroom-key-'));
  t = await startTestApp({ CHECKPOINT_KEY_FILE: join(keyDir, 'checkpoint-key.pem'), CHECKPOINT_INTERVAL_SECONDS: '0' });
  sql = new Client({ connectionString: t.db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await t?.close();
  await rm(keyDir, { recursive: true, force: true });
});

describe('checkpoints over a log whose transaction ids gain a digit', () => {
  it('cover the events in numeric tx id order: last position, tree size, root, proofs on both sides, extensions, verify', async () => {
    const { editor } = t.keys;
    const first = (await t.request('POST', '/audit/checkpoints')).body;

    // two deals opened below a power of ten far enough ahead that nothing running alongside reaches it first
    const boundary = 10n ** BigInt(String((await nextTransactionId()) + 1000n).length);
    const below = [await openDeal(t, editor, 'Below 1'), await openDeal(t, editor, 'Below 2')];
    const belowEvents = await Promise.all(below.map(dealEvent));
    expect(belowEvents.every((e) => e.txId < boundary)).toBe(true);

    // two more at or above it, each append in a transaction of its own
    await burnTransactionIdsTo(boundary);
    const above = [await openDeal(t, editor, 'Above 1'), await openDeal(t, editor, 'Above 2')];
    const aboveEvents = await Promise.all(above.map(dealEvent));
    expect(aboveEvents.every((e) => e.txId >= boundary)).toBe(true);

    const second = (await t.request('POST', '/audit/checkpoints')).body;
    let events = await log();
    const lastOf = (es: typeof events) => es[es.length - 1];
    expect(lastOf(events).position).toBe(aboveEvents[1].position);
    expect({ lastPosition: second.lastPosition, treeSize: second.treeSize }).toEqual({
      lastPosition: lastOf(events).position,
      treeSize: events.length,
    });
    const leaves = events.map((e) => leafHash(Buffer.from(e.hash, 'hex')));
    expect(second.rootHash).toBe(treeRoot(leaves).toString('hex'));
    expect(first.rootHash).toBe(treeRoot(leaves, first.treeSize).toString('hex'));
    const { rows: stored } = await sql.query(`select last_tx_id::text as tx, consistency_proof from es_log_checkpoints where id = $1`, [second.id]);
    expect(BigInt(stored[0].tx)).toBe(lastOf(events).txId);
    const proved = verifyConsistency(
      first.treeSize,
      second.treeSize,
      Buffer.from(first.rootHash, 'hex'),
      Buffer.from(second.rootHash, 'hex'),
      (stored[0].consistency_proof as string[]).map((h) => Buffer.from(h, 'hex')),
    );
    expect(proved).toBe(true);

    // an event on each side of the boundary is proved included at its numeric place
    for (const event of [belowEvents[1], aboveEvents[0]]) {
      const proof = await t.request('GET', `/audit/events/${event.position}/proof?checkpoint=${second.id}`, { key: t.keys.reader });
      expect(proof.status).toBe(200);
      expect(proof.body.leafIndex).toBe(events.findIndex((e) => e.position === event.position));
      const path = (proof.body.auditPath as string[]).map((h) => Buffer.from(h, 'hex'));
      const included = verifyInclusion(
        leafHash(Buffer.from(proof.body.eventHash, 'hex')),
        proof.body.leafIndex,
        proof.body.treeSize,
        path,
        Buffer.from(second.rootHash, 'hex'),
      );
      expect(included).toBe(true);
    }

    // the next checkpoint resumes after the numerically last event: nothing counted twice
    await recordClaim(t, editor, above[0]);
    const third = (await t.request('POST', '/audit/checkpoints')).body;
    events = await log();
    expect({ lastPosition: third.lastPosition, treeSize: third.treeSize }).toEqual({
      lastPosition: lastOf(events).position,
      treeSize: events.length,
    });
    expect(third.rootHash).toBe(treeRoot(events.map((e) => leafHash(Buffer.from(e.hash, 'hex')))).toString('hex'));

    const verify = await t.request('GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, checkpoint: third, broken: [], drift: [] });
    let stdout = '';
    const code = await runCli(['verify', '--json'], {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: () => true, isTTY: false },
      env: { LOG_LEVEL: 'error', DATABASE_URL: t.db.url, CHECKPOINT_KEY_FILE: join(keyDir, 'checkpoint-key.pem') },
    });
    expect({ code, ...JSON.parse(stdout) }).toMatchObject({ code: 0, ok: true, checkpoint: third, broken: [] });
  });
});
