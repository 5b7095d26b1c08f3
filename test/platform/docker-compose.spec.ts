import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@app/platform';

const root = process.cwd();

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));

  it('runs PostgreSQL with a health check and a volume', () => {
    const pg = compose.services.postgres;
    expect(pg.image).toMatch(/^postgres:\d+/);
    expect(pg.environment).toMatchObject({ POSTGRES_USER: 'newsroom', POSTGRES_PASSWORD: 'newsroom', POSTGRES_DB: 'newsroom' });
    expect(pg.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(pg.volumes[0]).toMatch(/^pgdata:/);
    expect(compose.volumes).toHaveProperty('pgdata');
  });

  it('runs the API on that server through DATABASE_URL, once PostgreSQL is healthy', () => {
    const api = compose.services.api;
    const url = new URL(api.environment.DATABASE_URL);
    expect(url.hostname).toBe('postgres');
    expect(url.username).toBe(compose.services.postgres.environment.POSTGRES_USER);
    expect(url.password).toBe(compose.services.postgres.environment.POSTGRES_PASSWORD);
    expect(url.pathname).toBe(`/${compose.services.postgres.environment.POSTGRES_DB}`);
    expect(api.depends_on.postgres.condition).toBe('service_healthy');
    expect(api.ports).toContain(`${api.environment.PORT}:${api.environment.PORT}`);
    expect(existsSync(join(root, api.build.dockerfile))).toBe(true);
  });

  it('gives the API only settings that pass the boot-time validation', () => {
    const env = { ...compose.services.api.environment };
    env.BOOTSTRAP_ADMIN_KEY = String(env.BOOTSTRAP_ADMIN_KEY).replace(/\$\{\w+:-(.*)\}/, '$1');
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('builds an image that starts the compiled API', () => {
    const dockerfile = readFileSync(join(root, compose.services.api.build.dockerfile), 'utf8');
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toMatch(/CMD \["node", "--max-semi-space-size=64", "dist\/apps\/api\/src\/main\.js"\]/);
  });
});
