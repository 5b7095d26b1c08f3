import type { Api } from './api';

/** One event of `GET /feed` (DESIGN.md 2.7). */
export interface FeedEvent {
  position: number;
  dealId: string;
  type: string;
  claimId?: string;
  recordedAt: string;
  version: number;
}

/**
 * Splits a server-sent event stream into the data of its events. Returns the
 * events complete in `buffer` and what is left over for the next chunk.
 */
export function parseEventStream(buffer: string): { events: { id?: string; data: string }[]; rest: string } {
  const events: { id?: string; data: string }[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length > 0 || id !== undefined) events.push({ id, data: data.join('\n') });
  }
  return { events, rest };
}

/**
 * Follows the live feed with the key as a bearer token (EventSource cannot
 * send one, so this reads the stream through fetch), resuming after the last
 * event seen when the connection drops. When the feed cannot be followed at
 * all, `onEvent` is called on a timer instead so open pages still refresh.
 */
export function followFeed(api: Api, onEvent: (event: FeedEvent | null) => void): () => void {
  const controller = new AbortController();
  let lastId: string | undefined;
  let failures = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (lastId) headers['last-event-id'] = lastId;
        const response = await api.fetch('GET', '/feed', undefined, headers, controller.signal);
        if (!response.ok || !response.body) throw new Error(`feed answered ${response.status}`);
        failures = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseEventStream(buffer + value);
          buffer = parsed.rest;
          for (const event of parsed.events) {
            if (event.id) lastId = event.id;
            try {
              onEvent(JSON.parse(event.data) as FeedEvent);
            } catch {
              // a heartbeat or a line this page does not know: nothing to refresh
            }
          }
        }
      } catch {
        if (controller.signal.aborted) return;
        failures += 1;
      }
      if (failures >= 3 && !timer) timer = setInterval(() => onEvent(null), 15_000);
      await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * 2 ** failures)));
    }
  };
  void run();
  return () => {
    controller.abort();
    if (timer) clearInterval(timer);
  };
}
