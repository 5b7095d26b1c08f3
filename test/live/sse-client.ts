/** A minimal server-sent events reader over fetch, for the feed specs. */
export interface SseEvent {
  id: string | null;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  receivedAt: number;
}

export interface SseClient {
  status: number;
  events: SseEvent[];
  comments: string[];
  /** What an EventSource would send as Last-Event-ID on reconnection. */
  lastEventId(): string | null;
  /** Resolves when an event matching `predicate` has come (looking at those already received too). */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves once `count` events have come. */
  waitForCount(count: number, timeoutMs?: number): Promise<void>;
  waitForComment(predicate: (comment: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openFeed(url: string, key: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const waiter of waiters) waiter();
  };
  let finished = false;
  let lastEventId: string | null = null;
  const ended = (async () => {
    if (!response.body || response.status !== 200) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | null = null;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (id !== null) lastEventId = id;
          if (data.length > 0) events.push({ id, data: JSON.parse(data.join('\n')), receivedAt: Date.now() });
        }
        changed();
      }
    } catch {
      /* closed by us */
    } finally {
      finished = true;
      changed();
    }
  })();
  const wait = <T>(look: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = look();
        if (found !== undefined) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        } else if (finished) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`the feed ended before ${what}; events: ${events.length}, comments: ${comments.join(' | ')}`));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${events.length}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    status: response.status,
    events,
    comments,
    lastEventId: () => lastEventId,
    waitFor: (predicate, timeoutMs = 10_000) => wait(() => events.find(predicate), timeoutMs, 'an event'),
    waitForCount: async (count, timeoutMs = 20_000) => {
      await wait(() => (events.length >= count ? true : undefined), timeoutMs, `${count} events`);
    },
    waitForComment: (predicate, timeoutMs = 10_000) => wait(() => comments.find(predicate), timeoutMs, 'a comment'),
    ended,
    close: () => abort.abort(),
  };
}
