import { Client } from 'pg';
import { BinaryCopyWriter, copyFrom, CopyBufferPool, copyTo, memoryOf, type CopyClient } from '@app/newsroom/projections/binary-copy';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** What the rebuild's binary COPY writes, read back by PostgreSQL: every type it uses, edge values included. */
describe('binary COPY data', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`create table copied (
      id uuid, n integer, big bigint, flag boolean, at timestamptz, label text, doc json, bin jsonb, tags text[], versions integer[])`);
  });

  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  const load = async (messages: Buffer[]) => {
    await client.query('truncate copied');
    await copyFrom(client as unknown as CopyClient, 'copy copied from stdin with (format binary)', messages);
    const { rows } = await client.query(
      `select id::text, n, big::text, flag, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
              label, doc::text, bin::text, tags, versions from copied order by n`,
    );
    return rows;
  };

  it('round-trips every column type, nulls and unicode included', async () => {
    const writer = new BinaryCopyWriter();
    writer
      .row(10)
      .uuid('0DB40428-8f2a-4e88-bddd-648fdfe9375d')
      .int4(-2147483648)
      .int8(2 ** 53 - 1)
      .bool(true)
      .timestamptz('2012-04-09T17:30:05.123Z')
      .text('Instagram racheté 1 Md$ — « tab\there », new\nline, back\\slash 😀')
      .text('{"a":[1,"é"]}')
      .jsonb('{"b": {"c": null}}')
      .textArray(['Facebook', 'O\'Reilly "Media"', ''])
      .int4Array([1, 2, 3]);
    writer.row(10).nullableUuid(null).int4(2).int8(-42).bool(false).timestamptz('1999-12-31T23:59:59.999Z');
    writer.nullableText(null).null().null().textArray([]).int4Array([]);

    expect(await load(writer.finish())).toEqual([
      {
        id: '0db40428-8f2a-4e88-bddd-648fdfe9375d',
        n: -2147483648,
        big: String(2 ** 53 - 1),
        flag: true,
        at: '2012-04-09T17:30:05.123Z',
        label: 'Instagram racheté 1 Md$ — « tab\there », new\nline, back\\slash 😀',
        doc: '{"a":[1,"é"]}',
        bin: '{"b": {"c": null}}',
        tags: ['Facebook', 'O\'Reilly "Media"', ''],
        versions: [1, 2, 3],
      },
      { id: null, n: 2, big: '-42', flag: false, at: '1999-12-31T23:59:59.999Z', label: null, doc: null, bin: null, tags: [], versions: [] },
    ]);
  });

  it('spreads rows over many messages, and gives a value larger than a message one of its own', async () => {
    const writer = new BinaryCopyWriter();
    const large = 'x'.repeat(3 << 20);
    for (let n = 0; n < 20_000; n++) {
      writer.row(10).uuid(n % 3 === 0 ? '7c12bff4-0307-4ac2-a29b-b2f08fd9f3c9' : '6676b642-f55a-44c8-a50c-05e59b9830a0').int4(n).int8(n * 1_000_000_007).bool(n % 2 === 0);
      writer.timestamptz('2026-11-29T19:30:46.376Z').text(n === 7 ? large : `row ${n}`).text('{}').jsonb('[]').textArray([`t${n}`]).int4Array([n]);
    }
    const messages = writer.finish();
    expect(messages.length).toBeGreaterThan(3);
    const rows = await load(messages);
    expect(rows).toHaveLength(20_000);
    expect(rows[7].label).toBe(large);
    expect(rows.slice(0, 4).map((row) => row.id)).toEqual([
      '7c12bff4-0307-4ac2-a29b-b2f08fd9f3c9',
      '6676b642-f55a-44c8-a50c-05e59b9830a0',
      '6676b642-f55a-44c8-a50c-05e59b9830a0',
      '7c12bff4-0307-4ac2-a29b-b2f08fd9f3c9',
    ]);
    expect(rows[19_999]).toMatchObject({ n: 19_999, big: String(19_999 * 1_000_000_007), label: 'row 19999', tags: ['t19999'], versions: [19_999] });
  });

  it('reads rows back as they arrive with COPY TO, in the types written', async () => {
    const writer = new BinaryCopyWriter();
    for (let n = 0; n < 3; n++) {
      writer.row(10).uuid('0db40428-8f2a-4e88-bddd-648fdfe9375d').int4(n).int8(2 ** 40 + n).bool(true).timestamptz(`2012-04-0${n + 1}T17:30:05.123Z`);
      writer.nullableText(n === 1 ? null : `é ${n}`).text(`{"n":${n}}`).jsonb('{}').textArray([]).int4Array([]);
    }
    await load(writer.finish());
    const read: unknown[] = [];
    const rows = await copyTo(
      client as unknown as CopyClient,
      'copy (select n, big, label, doc, at from copied order by n) to stdout with (format binary)',
      (row) => read.push({ n: row.int4(), big: row.int8(), label: row.nullNext() ? null : row.text(), doc: row.json(), at: row.timestamptz() }),
    );
    expect(rows).toBe(3);
    expect(read).toEqual([
      { n: 0, big: 2 ** 40, label: 'é 0', doc: { n: 0 }, at: '2012-04-01T17:30:05.123Z' },
      { n: 1, big: 2 ** 40 + 1, label: null, doc: { n: 1 }, at: '2012-04-02T17:30:05.123Z' },
      { n: 2, big: 2 ** 40 + 2, label: 'é 2', doc: { n: 2 }, at: '2012-04-03T17:30:05.123Z' },
    ]);
  });

  it('rejects a COPY TO whose reader fails, once the server is done, and the connection serves on', async () => {
    const reading = copyTo(client as unknown as CopyClient, 'copy (select n from copied) to stdout with (format binary)', (row) => {
      row.text(); // an int4 is not 4 bytes of text: fine; reading past it is not
      row.text();
    });
    await expect(reading).rejects.toThrow('a field beyond its row');
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('writes into the buffers a pool took back once their data was sent', async () => {
    const pool = new CopyBufferPool();
    const write = (label: string) => {
      const writer = new BinaryCopyWriter(pool);
      for (let n = 0; n < 3_000; n++) {
        writer.row(10).nullableUuid(null).int4(n).int8(n).bool(true).timestamptz('2026-11-29T19:30:46.376Z');
        writer.text(`${label} ${n} ${'.'.repeat(500)}`).text('{}').jsonb('{}').textArray([]).int4Array([]);
      }
      return writer.finish();
    };
    const first = write('first');
    expect(first.length).toBeGreaterThan(1);
    await load(first);
    pool.give(memoryOf(first));
    const second = write('second');
    expect([...memoryOf(second)].filter((memory) => memoryOf(first).has(memory)).length).toBeGreaterThan(0);
    const rows = await load(second);
    expect(rows).toHaveLength(3_000);
    expect(rows[2_999]).toMatchObject({ n: 2_999, label: `second 2999 ${'.'.repeat(500)}` });
  });

  it('refuses values it cannot write rather than send PostgreSQL something else', () => {
    expect(() => new BinaryCopyWriter().row(1).uuid('not-a-uuid')).toThrow('not a uuid');
    expect(() => new BinaryCopyWriter().row(1).uuid('0db40428-8f2a-4e88-bddd-648fdfe9375')).toThrow('not a uuid');
    expect(() => new BinaryCopyWriter().row(1).int8(2 ** 53)).toThrow('not a safe integer');
    expect(() => new BinaryCopyWriter().row(1).timestamptz('yesterday')).toThrow('not an instant');
  });
});
