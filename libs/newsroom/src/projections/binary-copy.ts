/**
 * PostgreSQL's binary COPY format, written straight into buffers: the server
 * takes each value as it is stored (no text to split, unescape and convert),
 * which made loading a million timeline rows a third cheaper than COPY text.
 *
 * A COPY stream is a header, rows (a field count, then each field as its byte
 * length and bytes, -1 for null) and a trailer, in network byte order.
 * See https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
 *
 * Each buffer is a whole CopyData message of the wire protocol (its first
 * five bytes are the message's type and length), so it goes to the socket
 * as it is: copying a gigabyte into messages had cost the sending thread
 * seconds, most of it garbage collection.
 */

/** Bytes per buffer, and so per CopyData message sent. */
const CHUNK = 1 << 20;
/** A CopyData message's type byte and length, before its data. */
const MESSAGE_HEADER = 5;
const COPY_DATA = 0x64; // 'd'

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** PostgreSQL's epoch (2000-01-01), in milliseconds from the Unix one: timestamps are microseconds from it. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TEXT_OID = 25;
const INT4_OID = 23;
const JSONB_VERSION = 1;
const EMPTY = Buffer.alloc(0);

/** Value of each hex digit's char code, -1 for other characters. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/**
 * Message buffers to write into again once their data is sent: a gigabyte
 * of fresh ones per million events kept the garbage collector of every
 * thread they passed through busy (about a second in the sending thread).
 */
export class CopyBufferPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly max = 64) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK);
  }

  /** Takes back the memory of sent messages: the whole buffers this pool gives, others are left to the collector. */
  give(memory: Iterable<ArrayBufferLike>): void {
    for (const buffer of memory) {
      if (buffer.byteLength === CHUNK && this.free.length < this.max) this.free.push(Buffer.from(buffer));
    }
  }
}

/** The memory under COPY messages, each once: what can go back to a {@link CopyBufferPool} once they are sent. */
export function memoryOf(messages: Iterable<Buffer>): Set<ArrayBufferLike> {
  const memory = new Set<ArrayBufferLike>();
  for (const message of messages) memory.add(message.buffer);
  return memory;
}

/** Strings up to this long are encoded in JavaScript (see BinaryCopyWriter#shortString). */
const SHORT = 48;

/** One COPY stream being written; `finish()` gives its buffers. */
export class BinaryCopyWriter {
  private readonly chunks: Buffer[] = [];
  private buffer: Buffer = EMPTY;
  private at = 0;
  private lastUuid = '';
  private readonly lastUuidBytes = Buffer.alloc(16);
  /** Rows written. */
  rows = 0;

  constructor(private readonly pool?: CopyBufferPool) {
    this.room(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buffer, this.at);
    this.buffer.writeInt32BE(0, this.at + SIGNATURE.length); // flags
    this.buffer.writeInt32BE(0, this.at + SIGNATURE.length + 4); // header extension length
    this.at += SIGNATURE.length + 8;
  }

  /** Starts a row of `fields` values, to be written in column order. */
  row(fields: number): this {
    this.room(2);
    this.buffer.writeInt16BE(fields, this.at);
    this.at += 2;
    this.rows++;
    return this;
  }

  null(): this {
    this.room(4);
    this.buffer.writeInt32BE(-1, this.at);
    this.at += 4;
    return this;
  }

  /** text, varchar, and json (whose binary form is its text). */
  text(value: string): this {
    return this.string(value, -1);
  }

  /** jsonb: a version byte, then the JSON text. */
  jsonb(json: string): this {
    return this.string(json, JSONB_VERSION);
  }

  nullableText(value: string | null): this {
    return value === null ? this.null() : this.text(value);
  }

  int4(value: number): this {
    this.room(8);
    this.buffer.writeInt32BE(4, this.at);
    this.buffer.writeInt32BE(value, this.at + 4);
    this.at += 8;
    return this;
  }

  /** int8 from a safe integer. */
  int8(value: number): this {
    this.room(12);
    this.buffer.writeInt32BE(8, this.at);
    this.writeInt64(value, this.at + 4);
    this.at += 12;
    return this;
  }

  bool(value: boolean): this {
    this.room(5);
    this.buffer.writeInt32BE(1, this.at);
    this.buffer[this.at + 4] = value ? 1 : 0;
    this.at += 5;
    return this;
  }

  /** timestamptz from an ISO 8601 instant (millisecond precision). */
  timestamptz(iso: string): this {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new Error(`not an instant: ${iso}`);
    return this.int8((ms - POSTGRES_EPOCH_MS) * 1000);
  }

  uuid(value: string): this {
    this.room(20);
    const buffer = this.buffer;
    const last = this.lastUuidBytes;
    const start = this.at + 4;
    buffer.writeInt32BE(16, this.at);
    // a deal's rows repeat its id: its bytes are copied from the last time (byte by byte:
    // Buffer#copy of a part makes a view of it each time, garbage for every row)
    if (value === this.lastUuid) {
      for (let i = 0; i < 16; i++) buffer[start + i] = last[i] as number;
      this.at = start + 16;
      return this;
    }
    let at = start;
    let high = -1;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code === 45) continue; // '-'
      const digit = code < 128 ? (HEX[code] as number) : -1;
      if (digit < 0 || at - start >= 16) throw new Error(`not a uuid: ${value}`);
      if (high < 0) high = digit;
      else {
        buffer[at++] = (high << 4) | digit;
        high = -1;
      }
    }
    if (at - start !== 16 || high >= 0) throw new Error(`not a uuid: ${value}`);
    for (let i = 0; i < 16; i++) last[i] = buffer[start + i] as number;
    this.lastUuid = value;
    this.at = at;
    return this;
  }

  nullableUuid(value: string | null): this {
    return value === null ? this.null() : this.uuid(value);
  }

  /** text[] of one dimension, without nulls. */
  textArray(items: readonly string[]): this {
    let most = 0;
    for (const item of items) most += 4 + item.length * 3;
    return this.array(TEXT_OID, items.length, most, (i) => this.text(items[i] as string));
  }

  /** integer[] of one dimension, without nulls. */
  int4Array(items: readonly number[]): this {
    return this.array(INT4_OID, items.length, 8 * items.length, (i) => this.int4(items[i] as number));
  }

  /** The stream's CopyData messages, trailer included; the writer is done. */
  finish(): Buffer[] {
    this.room(2);
    this.buffer.writeInt16BE(-1, this.at);
    this.at += 2;
    this.seal();
    return this.chunks;
  }

  /** A field whose bytes are a string's UTF-8, after an optional version byte. */
  private string(value: string, version: number): this {
    const prefix = version < 0 ? 0 : 1;
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    const most = 4 + prefix + value.length * 3;
    if (MESSAGE_HEADER + most > CHUNK) return this.large(value, version);
    this.room(most);
    const start = this.at;
    if (prefix) this.buffer[start + 4] = version;
    const bytes = value.length <= SHORT ? this.shortString(value, start + 4 + prefix) : this.buffer.write(value, start + 4 + prefix, 'utf8');
    this.buffer.writeInt32BE(bytes + prefix, start);
    this.at = start + 4 + prefix + bytes;
    return this;
  }

  /**
   * Writes a short string's UTF-8 at `at`, byte by byte while it is ASCII
   * (ids, kinds, verdicts, dates: most of a rebuild's strings), which costs a
   * third of a call into Buffer#write; returns the bytes written.
   */
  private shortString(value: string, at: number): number {
    const buffer = this.buffer;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) return buffer.write(value, at, 'utf8');
      buffer[at + i] = code;
    }
    return value.length;
  }

  /** A value larger than a buffer gets one of its own. */
  private large(value: string, version: number): this {
    const bytes = Buffer.byteLength(value, 'utf8');
    const prefix = version < 0 ? 0 : 1;
    this.room(4 + prefix);
    this.buffer.writeInt32BE(bytes + prefix, this.at);
    if (prefix) this.buffer[this.at + 4] = version;
    this.at += 4 + prefix;
    this.seal();
    this.buffer = Buffer.allocUnsafe(MESSAGE_HEADER + bytes);
    this.buffer.write(value, MESSAGE_HEADER, 'utf8');
    this.at = MESSAGE_HEADER + bytes;
    this.seal();
    return this;
  }

  private writeInt64(value: number, at: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
    const high = Math.floor(value / 2 ** 32);
    this.buffer.writeInt32BE(high, at);
    this.buffer.writeUInt32BE(value - high * 2 ** 32, at + 4);
  }

  /**
   * A one-dimensional array without nulls: its header, then its elements, each
   * a field (at most `most` bytes in all). The array's byte length is written
   * once its elements are, so the whole array is kept in one buffer.
   */
  private array(elementOid: number, length: number, most: number, element: (i: number) => void): this {
    if (MESSAGE_HEADER + 24 + most > CHUNK) throw new Error(`an array of ${length} elements is too large to COPY`);
    this.room(24 + most);
    const start = this.at;
    const buffer = this.buffer;
    buffer.writeInt32BE(length === 0 ? 0 : 1, start + 4); // dimensions
    buffer.writeInt32BE(0, start + 8); // has nulls
    buffer.writeInt32BE(elementOid, start + 12);
    this.at = start + 16;
    if (length > 0) {
      buffer.writeInt32BE(length, start + 16);
      buffer.writeInt32BE(1, start + 20); // lower bound
      this.at = start + 24;
    }
    for (let i = 0; i < length; i++) element(i);
    buffer.writeInt32BE(this.at - start - 4, start);
    return this;
  }

  /** Makes room for `bytes` more in the current buffer, sealing it when full. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    this.seal();
    const size = MESSAGE_HEADER + bytes;
    this.buffer = size > CHUNK ? Buffer.allocUnsafe(size) : this.pool !== undefined ? this.pool.take() : Buffer.allocUnsafe(CHUNK);
    this.at = MESSAGE_HEADER;
  }

  /** Keeps what the current buffer holds as a message; the next write takes a new one. */
  private seal(): void {
    if (this.at > MESSAGE_HEADER) {
      this.buffer[0] = COPY_DATA;
      this.buffer.writeInt32BE(this.at - 1, 1); // the length counts itself, not the type
      this.chunks.push(this.buffer.subarray(0, this.at));
    }
    this.buffer = EMPTY;
    this.at = 0;
  }
}

/** The parts of a pg client (and its connection) a COPY FROM STDIN needs. */
interface CopyConnection {
  query(text: string): void;
  /** The socket: CopyData messages are written to it as they are. */
  stream: { write(message: Buffer): boolean };
  endCopyFrom(): void;
}

/** A pg client (the one a query runner holds). */
export interface CopyClient {
  query(submittable: CopyFrom | CopyTo): unknown;
}

/**
 * A COPY statement run through pg's Submittable interface (the one its
 * cursors and pg-copy-streams use): pg hands it the protocol messages of its
 * query; `finished` settles on an error, or once the server is ready again.
 */
abstract class CopyCommand<T> {
  readonly finished: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (error: Error) => void;

  constructor(private readonly sql: string) {
    this.finished = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** What `finished` resolves to, or why it rejects though the server saw no error. */
  protected abstract outcome(): T | Error;

  submit(connection: CopyConnection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.reject(error);
  }

  handleReadyForQuery(): void {
    const outcome = this.outcome();
    if (outcome instanceof Error) this.reject(outcome);
    else this.resolve(outcome);
  }

  handleCopyData(_message: { chunk: Buffer }): void {}
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/** `COPY ... FROM STDIN`: the messages of a {@link BinaryCopyWriter}, sent once the server asks for them. */
class CopyFrom extends CopyCommand<void> {
  constructor(
    sql: string,
    private readonly messages: Buffer[],
  ) {
    super(sql);
  }

  protected outcome(): void {}

  override handleCopyInResponse(connection: CopyConnection): void {
    for (const message of this.messages) connection.stream.write(message);
    connection.endCopyFrom();
  }
}

/** Runs a COPY FROM STDIN statement on the client with data a {@link BinaryCopyWriter} wrote. */
export async function copyFrom(client: CopyClient, sql: string, messages: Buffer[]): Promise<void> {
  const copy = new CopyFrom(sql, messages);
  client.query(copy);
  await copy.finished;
}

/**
 * One row of a binary `COPY ... TO STDOUT`, read field by field in column
 * order. Valid only during the `onRow` call that gives it: its bytes are the
 * driver's, which reuses them.
 */
export class BinaryCopyRow {
  private data: Buffer = EMPTY;
  private at = 0;
  private end = 0;
  private lastMicros = Number.NaN;
  private lastInstant = '';

  /** Points the reader at a row's bytes; returns false on the stream's trailer. */
  reset(data: Buffer, at: number): boolean {
    this.data = data;
    this.end = data.length;
    const fields = data.readInt16BE(at);
    this.at = at + 2;
    return fields !== -1;
  }

  /** Whether the next field is null (then it is skipped). */
  nullNext(): boolean {
    if (this.at + 4 > this.end) throw new Error('a field beyond its row');
    if (this.data.readInt32BE(this.at) !== -1) return false;
    this.at += 4;
    return true;
  }

  int4(): number {
    this.expect(4);
    const value = this.data.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  /** int8 as a number (safe integers only). */
  int8(): number {
    this.expect(8);
    const value = this.data.readInt32BE(this.at) * 2 ** 32 + this.data.readUInt32BE(this.at + 4);
    this.at += 8;
    if (!Number.isSafeInteger(value)) throw new Error(`an int8 beyond the safe integers: ${value}`);
    return value;
  }

  text(): string {
    const length = this.length();
    const value = this.data.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  /** A field's bytes as they came (text: UTF-8), valid only until `onRow` returns. */
  bytes(): Buffer {
    const length = this.length();
    const value = this.data.subarray(this.at, this.at + length);
    this.at += length;
    return value;
  }

  /** JSON text (json, or jsonb cast to text), parsed. */
  json(): unknown {
    return JSON.parse(this.text());
  }

  /** timestamptz, as `Date#toISOString` writes it (millisecond precision). */
  timestamptz(): string {
    this.expect(8);
    const micros = this.data.readInt32BE(this.at) * 2 ** 32 + this.data.readUInt32BE(this.at + 4);
    this.at += 8;
    // the events of one append share their timestamp: written once for them all
    if (micros !== this.lastMicros) {
      this.lastMicros = micros;
      this.lastInstant = new Date(POSTGRES_EPOCH_MS + Math.floor(micros / 1000)).toISOString();
    }
    return this.lastInstant;
  }

  private length(): number {
    if (this.at + 4 > this.end) throw new Error('a field beyond its row');
    const length = this.data.readInt32BE(this.at);
    if (length < 0) throw new Error('an unexpected null');
    this.at += 4;
    if (this.at + length > this.end) throw new Error('a field beyond its row');
    return length;
  }

  private expect(bytes: number): void {
    if (this.length() !== bytes) throw new Error(`a field of ${bytes} bytes expected`);
  }
}

/**
 * `COPY (query) TO STDOUT WITH (FORMAT binary)`: each row goes to `onRow` as
 * it arrives (the server sends one row per CopyData message), so a large
 * result is never held whole. A row `onRow` throws on ends the reading: the
 * rest is skipped and `finished` rejects once the server is done.
 */
class CopyTo extends CopyCommand<number> {
  private readonly row = new BinaryCopyRow();
  private started = false;
  private rows = 0;
  private failure: Error | null = null;

  constructor(
    sql: string,
    private readonly onRow: (row: BinaryCopyRow) => void,
  ) {
    super(sql);
  }

  protected outcome(): number | Error {
    return this.failure ?? this.rows;
  }

  override handleCopyData(message: { chunk: Buffer }): void {
    if (this.failure !== null) return;
    try {
      const data = message.chunk;
      let at = 0;
      if (!this.started) {
        if (!data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not binary COPY data');
        at = SIGNATURE.length + 8 + data.readInt32BE(SIGNATURE.length + 4); // flags, header extension
        this.started = true;
        if (at >= data.length) return;
      }
      if (!this.row.reset(data, at)) return; // the trailer
      this.onRow(this.row);
      this.rows++;
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
    }
  }
}

/**
 * A string literal for SQL, whatever it holds: COPY takes no parameters, so
 * the values of its query are written into it.
 */
export function sqlLiteral(value: string): string {
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes('\\') ? `E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

/** An integer for SQL (see {@link sqlLiteral}); anything else is refused. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/** Runs a binary COPY TO STDOUT on the client, giving each row to `onRow`; resolves to the rows read. */
export async function copyTo(client: CopyClient, sql: string, onRow: (row: BinaryCopyRow) => void): Promise<number> {
  const copy = new CopyTo(sql, onRow);
  client.query(copy);
  return copy.finished;
}
