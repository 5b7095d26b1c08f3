import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { jsonResponseSent } from '@app/newsroom';

/**
 * The body for JSON text that comes in chunks: one chunk is sent as it is
 * (with its length), and its buffer given back once sent; more are streamed
 * as they come, so a long list is never held whole and a short one costs no
 * stream.
 */
export async function jsonChunksBody(reply: FastifyReply, chunks: AsyncIterable<Buffer>): Promise<Buffer | Readable> {
  reply.header('content-type', 'application/json; charset=utf-8');
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return Buffer.alloc(0);
  const second = await iterator.next();
  if (second.done) {
    // sent whole, its memory serves the next response; a response cut short keeps it
    reply.raw.once('finish', () => jsonResponseSent(first.value));
    return first.value;
  }
  return Readable.from(
    (async function* () {
      try {
        yield first.value;
        yield second.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        await iterator.return?.(); // the client went away: read no further pages
      }
    })(),
  );
}
