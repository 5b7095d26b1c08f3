import { MigrationInterface, QueryRunner } from 'typeorm';

const CANONICAL = 'es_event_canonical(text, bigint, xid8, text, bigint, text, integer, jsonb, jsonb, timestamptz)';
const HASH = 'es_event_hash(text, bigint, xid8, text, bigint, text, integer, jsonb, jsonb, timestamptz)';
const APPEND = 'es_append(text, bigint, jsonb, text, text, bigint[], timestamptz)';
const SORTED_POSITIONS = `(select to_jsonb(array_agg(p order by p)) from unnest(v_positions) p)`;
const POSITIONS = `to_jsonb(v_positions)`;

/**
 * Two costs of every append, same results:
 * - the event hash and its canonical text are declared stable, which is what
 *   they are (to_char and jsonb_build_object are), so PostgreSQL inlines them
 *   into es_append instead of running each as a function of its own;
 * - es_append's result lists the positions from its array, in the events'
 *   order (ascending: drawn in order, or reserved one per event), without a
 *   sorting subquery.
 */
export class CheaperAppend1733000400000 implements MigrationInterface {
  name = 'CheaperAppend1733000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter function ${CANONICAL} stable`);
    await q.query(`alter function ${HASH} stable`);
    await rewriteAppend(q, SORTED_POSITIONS, POSITIONS);
  }

  async down(q: QueryRunner): Promise<void> {
    await rewriteAppend(q, POSITIONS, SORTED_POSITIONS);
    await q.query(`alter function ${HASH} immutable`);
    await q.query(`alter function ${CANONICAL} immutable`);
  }
}

/** Replaces one expression of es_append's body, keeping the rest of its definition and its grants. */
async function rewriteAppend(q: QueryRunner, from: string, to: string): Promise<void> {
  const [{ definition }]: { definition: string }[] = await q.query(`select pg_get_functiondef('${APPEND}'::regprocedure) as definition`);
  if (!definition.includes(from)) throw new Error(`es_append does not read as this migration expects: no ${from}`);
  await q.query(definition.replace(from, to));
}
