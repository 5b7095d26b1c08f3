import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ApiKeyService, type ApiKeySummary } from '@app/access';
// not exported by the lib's index: the DTO of POST /api-keys, so the CLI applies the same rules
import { CreateApiKeyRequest } from '@app/access';
import { type CliIo, UsageError, withAppContext } from './cli-context';

const USAGE = 'usage: keys create --name NAME --roles ROLE[,ROLE…] | keys list [--json] | keys revoke ID';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `keys create|list|revoke`: the CLI side of POST, GET and DELETE /api-keys, with the same rules. */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, roles: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
    allowPositionals: true,
  });
  const [action, ...rest] = positionals;
  if (action === 'create' && rest.length === 0 && !values.json) return createKey(values, io);
  if (action === 'list' && rest.length === 0 && values.name === undefined && values.roles === undefined) return listKeys(values.json === true, io);
  if (action === 'revoke' && rest.length === 1 && values.name === undefined && values.roles === undefined && !values.json) return revokeKey(rest[0], io);
  throw new UsageError(USAGE);
}

/** `keys create --name NAME --roles editor,reader`: the key goes to stdout, alone, so a script can capture it. */
async function createKey(values: { name?: string; roles?: string }, io: CliIo): Promise<number> {
  // the rules of POST /api-keys
  const request = plainToInstance(CreateApiKeyRequest, {
    name: values.name,
    roles: values.roles === undefined ? undefined : values.roles.split(',').map((role) => role.trim()).filter(Boolean),
  });
  const errors = await validate(request);
  if (errors.length > 0) {
    const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `--${e.property}: ${m}`));
    throw new UsageError(`keys create: ${messages.join('; ')}`);
  }
  const created = await withAppContext(io, (app) => app.get(ApiKeyService).create(request.name, request.roles));
  io.stderr.write(
    `Created the API key "${created.name}" (id ${created.id}, roles ${created.roles.join(', ')}).\n` +
      'Store it now: it is shown only this once (the database keeps only its hash).\n',
  );
  io.stdout.write(`${created.key}\n`);
  return 0;
}

/** `keys list [--json]`: every key, oldest first, revoked ones included; never a secret. */
async function listKeys(json: boolean, io: CliIo): Promise<number> {
  const keys = await withAppContext(io, async (app) => {
    const service = app.get(ApiKeyService);
    const all: ApiKeySummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list({ limit: 500, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  });
  if (json) {
    for (const key of keys) io.stdout.write(`${JSON.stringify(key)}\n`);
    return 0;
  }
  const rows = keys.map((key) => [
    key.id,
    key.name,
    key.roles.join(','),
    new Date(key.createdAt).toISOString(),
    key.revokedAt ? `revoked ${new Date(key.revokedAt).toISOString()}` : 'active',
  ]);
  const header = ['ID', 'NAME', 'ROLES', 'CREATED', 'STATE'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  io.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
  io.stderr.write(`${keys.length} key(s), ${keys.filter((key) => !key.revokedAt).length} active.\n`);
  return 0;
}

/** `keys revoke ID`: the key answers 401 from its next request on, on every API instance. */
async function revokeKey(id: string, io: CliIo): Promise<number> {
  if (!UUID.test(id)) throw new UsageError(`keys revoke: ${id} is not a key id (a UUID, as keys list shows)`);
  const found = await withAppContext(io, (app) => app.get(ApiKeyService).revoke(id));
  if (!found) {
    io.stderr.write(`keys revoke: no API key has the id ${id}\n`);
    return 1;
  }
  io.stderr.write(`Revoked the API key ${id}: it is refused from its next request on.\n`);
  return 0;
}
