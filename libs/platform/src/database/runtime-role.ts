import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The group role the migrations grant the service's rights to: read the log, append through es_append, write the read models. */
export const RUNTIME_GROUP_ROLE = 'newsroom_app';
/** The login role the API serves as on the embedded default. */
export const EMBEDDED_RUNTIME_ROLE = 'newsroom_api';

/**
 * Makes sure the embedded server has the API's login role, a member of the
 * runtime group role, with a password new at every start, and returns the URL
 * that connects as it. The owner's URL keeps running migrations and the CLI.
 */
export async function embeddedRuntimeUrl(ownerUrl: string): Promise<string> {
  const password = randomBytes(24).toString('base64url');
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${EMBEDDED_RUNTIME_ROLE}') then
          create role ${EMBEDDED_RUNTIME_ROLE} login in role ${RUNTIME_GROUP_ROLE};
        end if;
      exception when duplicate_object or unique_violation then null;
      end
      $$`);
    // base64url text needs no quoting beyond the literal's own
    await client.query(`alter role ${EMBEDDED_RUNTIME_ROLE} login password '${password}'`);
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = EMBEDDED_RUNTIME_ROLE;
  url.password = password;
  return url.toString();
}
