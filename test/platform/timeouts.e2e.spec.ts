import { connect, type Socket } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';

/** Opens a raw connection to the app; resolves when it is established. */
function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const socket = connect(Number(port), hostname, () => done(socket));
    socket.once('error', fail);
  });
}

/** Resolves with what the server sent and how long it took, once it closes the connection. */
function untilClosed(socket: Socket, started: number): Promise<{ ms: number; answer: string }> {
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((done) => socket.once('close', () => done({ ms: Date.now() - started, answer })));
}

describe('HTTP timeouts (DESIGN 2.6 settings)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '500' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('ends a request whose body trickles in one byte at a time once HTTP_REQUEST_TIMEOUT_MS has passed', async () => {
    const socket = await open(t.url);
    const started = Date.now();
    const closed = untilClosed(socket, started);
    socket.write(
      `POST /deals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.keys.editor}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      const { ms, answer } = await closed;
      expect(ms).toBeGreaterThanOrEqual(1900);
      expect(ms).toBeLessThan(4500);
      // Node answers 408 before closing when it can
      if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  });

  it('ends a connection whose headers never finish once HTTP_HEADERS_TIMEOUT_MS has passed', async () => {
    const socket = await open(t.url);
    const started = Date.now();
    const closed = untilClosed(socket, started);
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    try {
      const { ms } = await closed;
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(3500);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  });

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const socket = await open(t.url);
    const closed = untilClosed(socket, Date.now());
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const { ms, answer } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(ms).toBeLessThan(3000);
  });

  it('still serves a normal request', async () => {
    const res = await t.request('GET', '/health', { key: null });
    expect(res.status).toBe(200);
  });
});
