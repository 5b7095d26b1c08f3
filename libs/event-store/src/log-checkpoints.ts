import { DataSource, EntityManager } from 'typeorm';
import { CheckpointKey } from './checkpoint-key';
import { extensionProof, inclusionProof, leafHash, MerkleAccumulator, treeRoot, verifyConsistency } from './merkle';

/**
 * A signed statement of the log: the root of the Merkle tree (RFC 9162) over
 * the hashes of its first `treeSize` events in global order (txId, position),
 * `lastPosition` being the position of the last of them.
 */
export interface LogCheckpoint {
  id: number;
  treeSize: number;
  rootHash: string;
  lastPosition: number;
  createdAt: string;
  keyId: string;
  signature: string;
}

/** A checkpoint as stored: with where its tree ends, its consistency proof from the checkpoint before it, and its frontier. */
interface StoredCheckpoint extends LogCheckpoint {
  lastTxId: string | null;
  consistencyProof: string[];
  frontier: string[];
}

/** Something the check of the log against its checkpoints found wrong. */
export interface CheckpointFinding {
  reason:
    | 'checkpoint_mismatch'
    | 'checkpoint_inconsistent'
    | 'signature_invalid'
    | 'unknown_key'
    | 'checkpoint_missing'
    | 'no_checkpoint_key';
  checkpointId?: number;
  detail: string;
}

/** The inclusion proof of one event in a checkpoint, with what an outsider needs to check it. */
export interface EventProof {
  position: number;
  streamId: string;
  version: number;
  /** The text the event's hash is the SHA-256 of: the previous event's hash, then the event as JSON. */
  canonical: string;
  eventHash: string;
  leafIndex: number;
  treeSize: number;
  /** Hex node hashes from the leaf's sibling up (RFC 9162 2.1.3). */
  auditPath: string[];
  checkpoint: LogCheckpoint;
}

export class CheckpointError extends Error {
  constructor(
    readonly kind: 'not_found' | 'not_covered' | 'log_differs' | 'no_key',
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** The text a checkpoint's signature is over, one `name value` line each. */
export function checkpointText(c: Omit<LogCheckpoint, 'id' | 'signature'>): string {
  return [
    'newsroom-facts checkpoint v1',
    `tree_size ${c.treeSize}`,
    `root_hash ${c.rootHash}`,
    `last_position ${c.lastPosition}`,
    `created_at ${c.createdAt}`,
    `key_id ${c.keyId}`,
    '',
  ].join('\n');
}

interface CheckpointRow {
  id: string;
  tree_size: string;
  root_hash: string;
  last_tx_id: string | null;
  last_position: string;
  created_at: Date;
  key_id: string;
  signature: string;
  consistency_proof: string[];
  frontier: string[];
}

/**
 * The queries below select `tx_id::text as tx_id`: a bare `order by tx_id` would
 * sort by that text alias ('10000' before '9999'), so they name es_events.tx_id.
 */
interface LeafRow {
  position: string;
  tx_id: string;
  hash: string;
}

const CHECKPOINT_COLUMNS = `id, tree_size, root_hash, last_tx_id::text as last_tx_id, last_position, created_at, key_id, signature,
  consistency_proof, frontier`;
/** Held while a checkpoint is signed, so two signers do not chain off the same predecessor. */
const SIGNING_LOCK = '7310582934571906';
const BATCH = 20_000;
const FINALITY_WAIT_MS = 2000;

/**
 * The log's signed checkpoints. Only events below the oldest running
 * transaction are covered: any event committed later sorts after them in the
 * global order, so each tree extends the one before it.
 */
export class LogCheckpoints {
  constructor(
    private readonly dataSource: DataSource,
    private readonly key: CheckpointKey | null,
  ) {}

  get publicKey(): { keyId: string; publicKey: string } | null {
    return this.key && { keyId: this.key.keyId, publicKey: this.key.publicKeyPem };
  }

  /**
   * Signs a checkpoint of the final events. It extends the newest checkpoint
   * from that one's frontier (checked against its signed root) with the events
   * final since, so it reads only those and, whatever was done to the events
   * the newest one covers, stays consistent with it. With `onlyIfGrown`,
   * returns null when no event was added since.
   */
  async sign(options: { onlyIfGrown?: boolean } = {}): Promise<LogCheckpoint | null> {
    const key = this.key;
    if (!key) throw new CheckpointError('no_key', 'no checkpoint key is configured (CHECKPOINT_KEY_FILE)');
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [SIGNING_LOCK]);
      const [previous] = await this.rows(manager, 'order by id desc limit 1');
      let tree = new MerkleAccumulator();
      if (previous) {
        if (previous.keyId === key.keyId && !key.verify(checkpointText(previous), previous.signature)) {
          throw new CheckpointError('log_differs', `checkpoint ${previous.id} does not carry a valid signature: nothing is signed after it`);
        }
        const resumed = resume(previous);
        if (!resumed || resumed.root().toString('hex') !== previous.rootHash) {
          throw new CheckpointError('log_differs', `the stored frontier of checkpoint ${previous.id} does not give its root: nothing is signed after it`);
        }
        tree = resumed;
      }
      const frontier = tree.frontier;
      await this.awaitFinality(manager);
      const rows: LeafRow[] = await manager.query(
        `select position, tx_id::text as tx_id, hash from es_events
          where (tx_id, position) > ($1::xid8, $2::bigint) and tx_id < pg_snapshot_xmin(pg_current_snapshot())
          order by es_events.tx_id, es_events.position`,
        [previous?.lastTxId ?? '0', previous?.lastTxId ? previous.lastPosition : 0],
      );
      if (previous && options.onlyIfGrown && rows.length === 0) return null;
      const added = rows.map((r) => leafHash(Buffer.from(r.hash, 'hex')));
      const proof = previous ? extensionProof(previous.treeSize, frontier, added).map((h) => h.toString('hex')) : [];
      for (const leaf of added) tree.push(leaf);
      const last = rows[rows.length - 1];
      const unsigned = {
        treeSize: tree.size,
        rootHash: tree.root().toString('hex'),
        lastPosition: last ? Number(last.position) : (previous?.lastPosition ?? 0),
        createdAt: new Date().toISOString(),
        keyId: key.keyId,
      };
      const signature = key.sign(checkpointText(unsigned));
      const [row]: { id: string }[] = await manager.query(
        `insert into es_log_checkpoints
           (tree_size, root_hash, last_tx_id, last_position, created_at, key_id, signature, consistency_proof, frontier)
         values ($1, $2, $3::xid8, $4, $5, $6, $7, $8::text[], $9::text[]) returning id`,
        [
          unsigned.treeSize,
          unsigned.rootHash,
          last?.tx_id ?? previous?.lastTxId ?? null,
          unsigned.lastPosition,
          unsigned.createdAt,
          key.keyId,
          signature,
          proof,
          tree.frontier.map((h) => h.toString('hex')),
        ],
      );
      return { id: Number(row.id), ...unsigned, signature };
    });
  }

  /**
   * Waits, up to FINALITY_WAIT_MS, for the transactions running when it was
   * called to end, so that a checkpoint covers every event committed before
   * it was asked for; a longer transaction leaves the events after it to the next one.
   */
  private async awaitFinality(manager: EntityManager): Promise<void> {
    const [{ horizon }]: { horizon: string }[] = await manager.query(`select pg_snapshot_xmax(pg_current_snapshot())::text as horizon`);
    const until = Date.now() + FINALITY_WAIT_MS;
    for (;;) {
      const [{ final }]: { final: boolean }[] = await manager.query(
        `select pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8 as final`,
        [horizon],
      );
      if (final || Date.now() >= until) return;
      await new Promise((done) => setTimeout(done, 10));
    }
  }

  /** Newest first, `limit` per page; the cursor is the last id of the page before. */
  async list(limit: number, cursor?: number): Promise<{ items: LogCheckpoint[]; nextCursor: string | null }> {
    const rows = await this.rows(this.dataSource.manager, `where ($1::bigint is null or id < $1) order by id desc limit $2`, [
      cursor ?? null,
      limit + 1,
    ]);
    const items = rows.slice(0, limit).map(publicShape);
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1].id) : null };
  }

  async latest(): Promise<LogCheckpoint | null> {
    const [row] = await this.rows(this.dataSource.manager, 'order by id desc limit 1');
    return row ? publicShape(row) : null;
  }

  /** The inclusion proof of the event at `position` in checkpoint `checkpointId` (the newest by default). */
  async proof(position: number, checkpointId?: number): Promise<EventProof> {
    const [checkpoint] = await this.rows(
      this.dataSource.manager,
      checkpointId === undefined ? 'order by id desc limit 1' : 'where id = $1',
      checkpointId === undefined ? [] : [checkpointId],
    );
    if (!checkpoint) throw new CheckpointError('not_found', checkpointId === undefined ? 'no checkpoint was signed yet' : `checkpoint ${checkpointId} does not exist`);
    const leaves = await this.leaves(this.dataSource.manager, checkpoint.treeSize);
    const index = leaves.positions.indexOf(position);
    if (index < 0) throw new CheckpointError('not_covered', `no event at position ${position} is covered by checkpoint ${checkpoint.id}`);
    if (leaves.hashes.length < checkpoint.treeSize || treeRoot(leaves.hashes).toString('hex') !== checkpoint.rootHash) {
      throw new CheckpointError('log_differs', `the log no longer matches checkpoint ${checkpoint.id}`);
    }
    const [event]: { stream_id: string; version: string; hash: string; canonical: string }[] = await this.dataSource.query(
      `select e.stream_id, e.version, e.hash,
              es_event_canonical(coalesce(p.hash, ''), e.position, e.tx_id, e.stream_id, e.version, e.type,
                                 e.schema_version, e.data, e.metadata, e.recorded_at) as canonical
         from es_events e left join es_events p on p.stream_id = e.stream_id and p.version = e.version - 1
        where e.position = $1`,
      [position],
    );
    return {
      position,
      streamId: event.stream_id,
      version: Number(event.version),
      canonical: event.canonical,
      eventHash: event.hash,
      leafIndex: index,
      treeSize: checkpoint.treeSize,
      auditPath: inclusionProof(leaves.hashes, index).map((h) => h.toString('hex')),
      checkpoint: publicShape(checkpoint),
    };
  }

  /**
   * Checks every checkpoint's signature and its consistency with the one
   * before it, then the log against the newest checkpoint with a valid
   * signature and against `external` (one exported earlier), when given.
   */
  async check(
    external?: LogCheckpoint,
    progress?: (done: number, total: number) => void,
  ): Promise<{ checkpoint: LogCheckpoint | null; broken: CheckpointFinding[] }> {
    const rows = await this.rows(this.dataSource.manager, 'order by id');
    const broken: CheckpointFinding[] = [];
    const key = this.key;
    if (!key) {
      if (rows.length > 0 || external) {
        broken.push({ reason: 'no_checkpoint_key', detail: 'checkpoints exist but no key to check them is configured (CHECKPOINT_KEY_FILE)' });
      }
      return { checkpoint: rows.length ? publicShape(rows[rows.length - 1]) : null, broken };
    }
    const trusted = (c: LogCheckpoint, name: string): boolean => {
      if (c.keyId !== key.keyId) {
        broken.push({ reason: 'unknown_key', checkpointId: c.id, detail: `${name} is signed by key ${c.keyId}, not by ${key.keyId}` });
        return false;
      }
      if (!key.verify(checkpointText(c), c.signature)) {
        broken.push({ reason: 'signature_invalid', checkpointId: c.id, detail: `${name} does not carry a valid signature` });
        return false;
      }
      return true;
    };
    let newest: StoredCheckpoint | null = null;
    let before: StoredCheckpoint | null = null;
    for (const row of rows) {
      if (!trusted(row, `checkpoint ${row.id}`)) continue;
      if (before && !this.consistent(before, row)) {
        broken.push({
          reason: 'checkpoint_inconsistent',
          checkpointId: row.id,
          detail: `checkpoint ${row.id} is not proved an extension of checkpoint ${before.id}`,
        });
      }
      before = row;
      newest = row;
    }
    const targets: { checkpoint: LogCheckpoint; name: string }[] = [];
    if (newest) targets.push({ checkpoint: newest, name: `checkpoint ${newest.id}` });
    if (external && trusted(external, `the exported checkpoint ${external.id}`)) {
      const stored = rows.find((r) => r.id === external.id);
      if (!stored || stored.rootHash !== external.rootHash || stored.treeSize !== external.treeSize || stored.signature !== external.signature) {
        broken.push({
          reason: 'checkpoint_missing',
          checkpointId: external.id,
          detail: `the exported checkpoint ${external.id} is not stored as it was signed`,
        });
      }
      targets.push({ checkpoint: external, name: `the exported checkpoint ${external.id}` });
    }
    for (const finding of await this.checkLog(targets, progress)) broken.push(finding);
    return { checkpoint: newest ? publicShape(newest) : null, broken };
  }

  /** One pass over the log's leaf hashes, comparing the root at each target's size with the target's. */
  private async checkLog(
    targets: { checkpoint: LogCheckpoint; name: string }[],
    progress?: (done: number, total: number) => void,
  ): Promise<CheckpointFinding[]> {
    if (targets.length === 0) return [];
    const sizes = targets.map((t) => t.checkpoint.treeSize);
    const total = Math.max(...sizes);
    const found = new Map<number, { root: string; lastPosition: number }>();
    const accumulator = new MerkleAccumulator();
    if (sizes.includes(0)) found.set(0, { root: accumulator.root().toString('hex'), lastPosition: 0 });
    let after = { txId: '0', position: 0 };
    while (accumulator.size < total) {
      const rows: LeafRow[] = await this.dataSource.query(
        `select position, tx_id::text as tx_id, hash from es_events
          where (tx_id, position) > ($1::xid8, $2::bigint) order by es_events.tx_id, es_events.position limit $3`,
        [after.txId, after.position, Math.min(BATCH, total - accumulator.size)],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        accumulator.push(leafHash(Buffer.from(row.hash, 'hex')));
        if (sizes.includes(accumulator.size)) {
          found.set(accumulator.size, { root: accumulator.root().toString('hex'), lastPosition: Number(row.position) });
        }
      }
      const last = rows[rows.length - 1];
      after = { txId: last.tx_id, position: Number(last.position) };
      progress?.(accumulator.size, total);
    }
    progress?.(total, total);
    const findings: CheckpointFinding[] = [];
    for (const { checkpoint, name } of targets) {
      const seen = found.get(checkpoint.treeSize);
      if (!seen) {
        findings.push({
          reason: 'checkpoint_mismatch',
          checkpointId: checkpoint.id,
          detail: `${name} covers ${checkpoint.treeSize} events; the log holds ${accumulator.size}`,
        });
      } else if (seen.root !== checkpoint.rootHash || (checkpoint.treeSize > 0 && seen.lastPosition !== checkpoint.lastPosition)) {
        findings.push({
          reason: 'checkpoint_mismatch',
          checkpointId: checkpoint.id,
          detail: `the first ${checkpoint.treeSize} events of the log no longer have the root ${name} signed`,
        });
      }
    }
    return findings;
  }

  private consistent(older: StoredCheckpoint, newer: StoredCheckpoint): boolean {
    try {
      return verifyConsistency(
        older.treeSize,
        newer.treeSize,
        Buffer.from(older.rootHash, 'hex'),
        Buffer.from(newer.rootHash, 'hex'),
        newer.consistencyProof.map((h) => Buffer.from(h, 'hex')),
      );
    } catch {
      return false;
    }
  }

  /** The leaf hashes and positions of the first `size` events in global order. */
  private async leaves(manager: EntityManager, size: number): Promise<{ hashes: Buffer[]; positions: number[] }> {
    const rows: LeafRow[] = await manager.query(
      `select position, tx_id::text as tx_id, hash from es_events order by es_events.tx_id, es_events.position limit $1`,
      [size],
    );
    return { hashes: rows.map((r) => leafHash(Buffer.from(r.hash, 'hex'))), positions: rows.map((r) => Number(r.position)) };
  }

  private async rows(manager: EntityManager, clause: string, parameters: unknown[] = []): Promise<StoredCheckpoint[]> {
    const rows: CheckpointRow[] = await manager.query(`select ${CHECKPOINT_COLUMNS} from es_log_checkpoints ${clause}`, parameters);
    return rows.map((r) => ({
      id: Number(r.id),
      treeSize: Number(r.tree_size),
      rootHash: r.root_hash,
      lastTxId: r.last_tx_id,
      lastPosition: Number(r.last_position),
      createdAt: r.created_at.toISOString(),
      keyId: r.key_id,
      signature: r.signature,
      consistencyProof: r.consistency_proof,
      frontier: r.frontier,
    }));
  }
}

/** The checkpoint's tree, resumed from its stored frontier; null when the frontier has not the shape of its size. */
function resume(c: StoredCheckpoint): MerkleAccumulator | null {
  try {
    return MerkleAccumulator.fromFrontier(c.treeSize, c.frontier.map((h) => Buffer.from(h, 'hex')));
  } catch {
    return null;
  }
}

function publicShape(c: StoredCheckpoint | LogCheckpoint): LogCheckpoint {
  return {
    id: c.id,
    treeSize: c.treeSize,
    rootHash: c.rootHash,
    lastPosition: c.lastPosition,
    createdAt: c.createdAt,
    keyId: c.keyId,
    signature: c.signature,
  };
}
