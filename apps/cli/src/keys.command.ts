import { parseArgs } from 'node:util';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ApiKeyService } from '@app/access';
// not exported by the lib's index: the DTO of POST /api-keys, so the CLI applies the same rules
import { CreateApiKeyRequest } from '@app/access';
import { type CliIo, UsageError, withAppContext } from './cli-context';

/** `keys create --name NAME --roles editor,reader`: the key goes to stdout, alone, so a script can capture it. */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, roles: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1 || positionals[0] !== 'create') {
    throw new UsageError('usage: keys create --name NAME --roles ROLE[,ROLE…]');
  }
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
