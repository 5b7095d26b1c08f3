import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ApiKeyService, type Role } from '@app/access';
import { type CommandContext, type ImportActors, NdjsonImporter, NdjsonImportError } from '@app/newsroom';
import { ProgressBar } from '@app/platform';
import { type CliIo, UsageError, withAppContext } from './cli-context';

/** The keys an import acts as, one per role of the file (four-eyes needs two). */
const IMPORT_KEYS = { editor: 'import editor', fact_checker: 'import fact-checker' } as const;

/** `import FILE`: replays the file through the CommandBus, with a progress bar on stderr. */
export async function importCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('usage: import FILE');
  // npm runs scripts from the package root; INIT_CWD is where `npm run cli` was typed
  const file = resolve(io.env.INIT_CWD ?? process.cwd(), positionals[0]);
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) throw new UsageError(`import: no such file: ${positionals[0]}`);

  const bar = new ProgressBar('lines', io.stderr);
  try {
    const report = await withAppContext(io, async (app) => {
      const dataSource = app.get(DataSource);
      const keys = app.get(ApiKeyService);
      const actors: ImportActors = {
        editor: await importActor(dataSource, keys, IMPORT_KEYS.editor, 'editor'),
        fact_checker: await importActor(dataSource, keys, IMPORT_KEYS.fact_checker, 'fact_checker'),
      };
      const importer = app.get(NdjsonImporter);
      return importer.importFile(file, { actors, onProgress: (done, total) => bar.update(done, total) });
    });
    bar.finish();
    io.stdout.write(
      `imported ${positionals[0]} (sha256 ${report.sha256.slice(0, 12)}…): ${report.lines} lines, ` +
        `${report.written} written, ${report.skipped} already imported; ${report.deals} deals, ${report.claims} claims\n`,
    );
    return 0;
  } catch (error) {
    bar.finish();
    if (!(error instanceof NdjsonImportError)) throw error;
    io.stderr.write(`import refused, ${positionals[0]}:\n${error.message.replace(/^/gm, '  ')}\n`);
    return 1;
  }
}

/**
 * The API key named `name`, made on first use. It is an identity for the audit
 * trail (every event names the key that wrote it): its secret is never shown,
 * so nobody can call the API with it.
 */
async function importActor(dataSource: DataSource, keys: ApiKeyService, name: string, role: Role): Promise<CommandContext['actor']> {
  const rows: { id: string; roles: Role[] }[] = await dataSource.query(
    `select id, roles from api_keys where name = $1 and $2 = any(roles) and revoked_at is null order by created_at, id limit 1`,
    [name, role],
  );
  if (rows.length > 0) return { keyId: rows[0].id, roles: rows[0].roles };
  const created = await keys.create(name, [role]);
  return { keyId: created.id, roles: created.roles };
}
