import { SseParser } from './sse-parser';
import type { SseEvent } from './sse-parser';

export interface SseClientOptions {
  url: string;
  /** Read at every (re)connect, so a new token is picked up. */
  getToken: () => string | null;
  onEvent: (event: SseEvent) => void;
  /** Called each time the stream is (re)opened: a good moment to refetch what may have been missed. */
  onOpen?: () => void;
  /** The server refused the token: stop, do not retry. */
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
  /** Backoff between attempts: min(maxDelayMs, initialDelayMs * 2^attempt), with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface SseConnection {
  close: () => void;
  /** Settles when the connection loop has stopped (after `close()` or a 401). */
  done: Promise<void>;
}

export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, initialMs * 2 ** attempt);
  // "Equal jitter": at least half the delay, so many tabs do not reconnect in lockstep.
  return Math.round(base / 2 + random() * (base / 2));
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Server-sent events over `fetch`, because EventSource cannot send an Authorization header.
 * Reconnects with exponential backoff (reset after a stream that opened), honours the server's
 * `retry:` and resumes with `Last-Event-ID`.
 */
export function connectSse(options: SseClientOptions): SseConnection {
  const controller = new AbortController();
  const fetchImpl = options.fetchImpl ?? fetch.bind(globalThis);
  const initial = options.initialDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  let serverRetryMs: number | undefined;
  let lastEventId: string | undefined;

  const run = async () => {
    let attempt = 0;
    while (!controller.signal.aborted) {
      const token = options.getToken();
      if (!token) return;
      let opened = false;
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
        if (lastEventId) headers['Last-Event-ID'] = lastEventId;
        const response = await fetchImpl(options.url, { headers, signal: controller.signal, cache: 'no-store' });
        if (response.status === 401) {
          options.onUnauthorized?.();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        opened = true;
        attempt = 0;
        options.onOpen?.();
        const parser = new SseParser((ms) => {
          serverRetryMs = ms;
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const event of parser.push(value)) {
            lastEventId = event.id ?? lastEventId;
            options.onEvent(event);
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      if (controller.signal.aborted) return;
      const delay = serverRetryMs ?? backoffDelay(attempt, initial, max, random);
      if (!opened) attempt++;
      await sleep(delay, controller.signal);
    }
  };

  const done = run().catch(() => undefined);
  return { close: () => controller.abort(), done };
}
