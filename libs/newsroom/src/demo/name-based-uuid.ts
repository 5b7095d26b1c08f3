import { createHash } from 'node:crypto';

/**
 * A UUID derived from a namespace and a name: the same pair always gives the
 * same id. It is the name-based scheme of UUID version 5 with SHA-256 in place
 * of SHA-1, which RFC 9562 lays out as a version 8 ("custom") UUID (section 5.8,
 * example in appendix B.2): the first 128 bits of the hash, with the version
 * nibble set to 8 and the RFC variant bits. Every UUID parser that follows RFC
 * 9562 accepts it (Nest's ParseUUIDPipe and class-validator's IsUUID do, as does
 * PostgreSQL's uuid type); calling it version 4 would claim randomness it lacks.
 */
export function nameBasedUuid(namespace: string, name: string): string {
  const bytes = Buffer.from(createHash('sha256').update(namespace, 'utf8').update('\0').update(name, 'utf8').digest().subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
