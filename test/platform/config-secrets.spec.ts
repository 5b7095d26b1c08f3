import { ConfigError, loadConfig } from '@app/platform';

describe('configuration errors (DESIGN 2.6)', () => {
  it.each([
    ['DATABASE_URL', 'mysql://admin:hunter2-secret@db.internal/newsroom'],
    ['BOOTSTRAP_ADMIN_KEY', 'short-secret'],
    ['PORT', 'secret-port-value'],
  ])('names %s and its rule without printing the value', (name, value) => {
    let message = '';
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(name);
    expect(message).not.toContain(value);
    expect(message).not.toContain('secret');
  });

  it.each([
    ['HTTP_REQUEST_TIMEOUT_MS', '0'],
    ['HTTP_HEADERS_TIMEOUT_MS', 'soon'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '-1'],
    ['HTTP_IDLE_TIMEOUT_MS', '10'],
    ['HTTP_MAX_CONNECTIONS', '0'],
    ['DATABASE_CONNECT_TIMEOUT_MS', 'never'],
    ['DATABASE_QUERY_TIMEOUT_MS', '1.5'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=<value not shown>`));
  });

  it('refuses a header timeout longer than the request timeout', () => {
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });

  it('has safe defaults for the timeouts and limits', () => {
    expect(loadConfig({})).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 5000,
      HTTP_IDLE_TIMEOUT_MS: 60_000,
      HTTP_MAX_CONNECTIONS: 1000,
      DATABASE_CONNECT_TIMEOUT_MS: 3000,
      DATABASE_QUERY_TIMEOUT_MS: 10_000,
    });
  });
});
