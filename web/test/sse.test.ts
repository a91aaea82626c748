import { describe, expect, it, vi } from 'vitest';
import { SseParser } from '../src/sse/sse-parser';
import type { SseEvent } from '../src/sse/sse-parser';
import { backoffDelay, connectSse } from '../src/sse/sse-client';

function feed(parser: SseParser, chunks: string[]): SseEvent[] {
  return chunks.flatMap((c) => parser.push(c));
}

const STREAM =
  ': keep-alive\n' +
  'event: notification.changed\n' +
  'id: 1\n' +
  'data: {"id":"n1",\n' +
  'data: "count":2}\n' +
  '\n' +
  'data: second\r\n' +
  'id: 2\r\n' +
  '\r\n' +
  'retry: 5000\n' +
  'data:no-space\r' +
  '\r';

const EXPECTED: SseEvent[] = [
  { event: 'notification.changed', data: '{"id":"n1",\n"count":2}', id: '1' },
  { event: 'message', data: 'second', id: '2' },
  { event: 'message', data: 'no-space', id: '2' },
];

describe('SseParser', () => {
  it('parses a whole stream', () => {
    const retries: number[] = [];
    expect(feed(new SseParser((ms) => retries.push(ms)), [STREAM])).toEqual(EXPECTED);
    expect(retries).toEqual([5000]);
  });

  // Network chunks split anywhere: inside a field name, a value, or between the CR and LF of one line break.
  it('gives the same events however the stream is chunked', () => {
    const oneByOne = STREAM.split('');
    expect(feed(new SseParser(), oneByOne)).toEqual(EXPECTED);
    for (let size = 2; size <= 9; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
      expect(feed(new SseParser(), chunks)).toEqual(EXPECTED);
    }
  });

  it('does not treat a CRLF split across chunks as two line breaks', () => {
    expect(feed(new SseParser(), ['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
  });

  it('holds an unfinished event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('data: partial')).toEqual([]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'partial', id: undefined }]);
  });

  it('skips a leading BOM, comments and events without data', () => {
    expect(feed(new SseParser(), ['\uFEFFdata: x\n\n', ':ping\n\n', 'event: empty\n\n', 'data\n\n'])).toEqual([
      { event: 'message', data: 'x', id: undefined },
      { event: 'message', data: '', id: undefined },
    ]);
  });
});

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('connectSse', () => {
  // The token travels in the Authorization header (EventSource could not send it), and the reader
  // reconnects after the stream ends, resuming from the last event id.
  it('sends the bearer token, delivers events and reconnects with Last-Event-ID', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const sleeps: number[] = [];
    const events: SseEvent[] = [];
    let opens = 0;
    let connection: ReturnType<typeof connectSse> | null = null;
    const fetchImpl = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      calls.push({ url: String(url), headers: init?.headers as Record<string, string> });
      if (calls.length === 1) return new Response(streamOf(['id: 7\ndata: {"a":', '1}\n\n']), { status: 200 });
      if (calls.length === 2) return new Response('down', { status: 503 });
      if (calls.length === 3) throw new TypeError('network down');
      return new Response(streamOf(['data: again\n\n']), { status: 200 });
    });
    connection = connectSse({
      url: '/v1/notifications/stream',
      getToken: () => 'tok',
      fetchImpl: fetchImpl as typeof fetch,
      random: () => 1,
      initialDelayMs: 100,
      maxDelayMs: 1000,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length >= 4) connection?.close();
      },
      onOpen: () => opens++,
      onEvent: (e) => events.push(e),
    });
    await connection.done;

    expect(calls[0]).toEqual({
      url: '/v1/notifications/stream',
      headers: { Accept: 'text/event-stream', Authorization: 'Bearer tok' },
    });
    expect(calls[1]?.headers['Last-Event-ID']).toBe('7');
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', 'again']);
    expect(opens).toBe(2);
    // each failure in a row doubles the wait; a stream that opened resets it to the base delay
    expect(sleeps).toEqual([100, 100, 200, 100]);
    expect(calls[3]?.headers['Last-Event-ID']).toBe('7');
  });

  it('stops for good when the token is refused', async () => {
    const onUnauthorized = vi.fn();
    const fetchImpl = vi.fn(async () => new Response('', { status: 401 }));
    const connection = connectSse({
      url: '/s',
      getToken: () => 'expired',
      fetchImpl: fetchImpl as unknown as typeof fetch,
      onEvent: () => undefined,
      onUnauthorized,
      sleep: async () => undefined,
    });
    await connection.done;
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('backs off exponentially up to a ceiling, with jitter of at most half', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 1000, 30_000, () => 1))).toEqual([1000, 2000, 4000, 8000, 30_000]);
    expect(backoffDelay(3, 1000, 30_000, () => 0)).toBe(4000);
  });
});
