/** One server-sent event, as the HTML standard's "dispatch the event" step produces it. */
export interface SseEvent {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Incremental `text/event-stream` parser (HTML Living Standard, 9.2.6). Feed it decoded text in chunks
 * of any size (a line, a field or a CRLF pair may be split across chunks); it returns the events that
 * completed. `retry` fields are reported through `onRetry`.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastEventId: string | undefined;
  private sawCarriageReturn = false;
  private started = false;

  constructor(private readonly onRetry?: (ms: number) => void) {}

  /** The id of the last event seen; send it as `Last-Event-ID` on reconnect. */
  get lastId(): string | undefined {
    return this.lastEventId;
  }

  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR ended the previous chunk: a LF at the start of this one belongs to the same line break.
    if (this.sawCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.sawCarriageReturn = false;

    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.sawCarriageReturn = true;
        }
      }
      start = i + 1;
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private processLine(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null; // comment, e.g. a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    const hadData = this.data.length > 0;
    const event: SseEvent = {
      event: this.eventType || 'message',
      data: this.data.join('\n'),
      id: this.lastEventId,
    };
    this.data = [];
    this.eventType = '';
    return hadData ? event : null;
  }
}
