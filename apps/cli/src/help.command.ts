import type { CliIo } from './cli-context';

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  import FILE                                Replay an NDJSON file of commands (see libs/newsroom/demo/README.md)
                                             as the keys "import editor" and "import fact-checker", made on first
                                             use. Importing the same file again writes nothing.
  keys create --name NAME --roles R1,R2      Create an API key and print it (shown once). Roles: editor,
                                             fact_checker, reader, admin.
  keys list [--json]                         List the keys (id, name, roles, created, revoked); never a secret.
  keys revoke ID                             Revoke a key: every API instance refuses it from its next request.
  verify [--json] [--checkpoint FILE]        Recheck every hash chain and checkpoint, the log against the newest
                                             checkpoint (and the one in FILE), every deal against its events;
                                             exit code 1 on any finding.
  checkpoint export [--sign] [--out FILE]    Write the newest checkpoint (a new one with --sign) and the public
                                             key as JSON, to keep outside the database.
  rebuild [deals]                            Replay the log into fresh deal read models (state, claims, timeline)
                                             and swap them in; a running API keeps serving meanwhile.
  help                                       Show this help.

The database is the API's: DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (default ./.data).
Exit codes: 0 done, 1 failed, 2 usage error.
`;

export async function helpCommand(_args: string[], io: CliIo): Promise<number> {
  io.stdout.write(USAGE);
  return 0;
}
