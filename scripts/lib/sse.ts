/**
 * The live stream (`GET /api/live`, Server-Sent Events) read in Node, which has no EventSource:
 * the one reader for the tests and the scripts. Its messages are typed from the server module
 * that writes them (the typed client cannot describe a stream).
 */
import type { LiveMessage, LiveSnapshot } from '../../server/live/topics.ts';

/** What `/api/live` sends: a snapshot first (and again after a gap), then every change of the topics asked for. */
export type LiveEvent = { event: 'snapshot'; data: LiveSnapshot } | LiveMessage;
export type LiveEventName = LiveEvent['event'];
export type LiveData<Name extends LiveEventName> = Extract<LiveEvent, { event: Name }>['data'];

type Match = (event: LiveEvent, index: number) => boolean;

export interface EventStream {
  /** Every event received so far, in order. */
  readonly events: LiveEvent[];
  /** Settles when the stream stops: with the reason, or null when we closed it ourselves. */
  readonly ended: Promise<string | null>;
  /**
   * The first event, already received or still to come, that `match` accepts (`index` is its
   * place in `events`, to ask for one after a given point). Rejects after `timeoutMs`, or as soon
   * as the stream ends without one.
   */
  next<E extends LiveEvent>(match: (event: LiveEvent, index: number) => event is E, timeoutMs?: number): Promise<E>;
  next(match: Match, timeoutMs?: number): Promise<LiveEvent>;
  close(): void;
}

/** A match for `next`: an event named `name` whose data passes `test`, typed as that event. */
export const eventOf =
  <Name extends LiveEventName>(name: Name, test: (data: LiveData<Name>) => boolean = () => true) =>
  (event: LiveEvent): event is Extract<LiveEvent, { event: Name }> =>
    event.event === name && test(event.data as LiveData<Name>);

/**
 * Splits an SSE byte stream into events (`event:` and `data:` fields; comments such as the
 * keep-alive and `retry:` are skipped). Line ends may be CRLF, CR or LF, also split across chunks.
 */
async function readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal, onEvent: (event: LiveEvent) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  // A chunk that ended in CR: if the next one starts with LF, the two were one CRLF.
  let endedInCr = false;
  const reader = body.getReader();
  // Closing stops the read whatever carries the body (aborting fetch alone stops only fetch's).
  signal.addEventListener('abort', () => {
    reader.cancel().catch(() => {});
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    let text = decoder.decode(value, { stream: true });
    if (endedInCr && text.startsWith('\n')) text = text.slice(1);
    endedInCr = text.endsWith('\r');
    buffer += text.replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const [field, value] = line.startsWith(':') ? ['', ''] : splitField(line);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) onEvent({ event, data: JSON.parse(data.join('\n')) } as LiveEvent);
    }
  }
}

/** `name: value`, with at most one space after the colon taken off (the SSE rule). */
function splitField(line: string): [string, string] {
  const colon = line.indexOf(':');
  return colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
}

/**
 * Opens an event stream; resolves once the response headers arrive, before the first event.
 * `onEvent` hears each event as it comes. Null when the server has none (404), so a script can
 * say so and carry on; any other refusal throws.
 */
export async function openEventStreamIfAny(
  url: string,
  headers: Record<string, string> = {},
  onEvent?: (event: LiveEvent) => void,
): Promise<EventStream | null> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (response.status === 404) {
    abort.abort();
    return null;
  }
  if (response.status !== 200 || !response.body) {
    abort.abort();
    throw new Error(`event stream ${url}: HTTP ${response.status}`);
  }
  const events: LiveEvent[] = [];
  const waiting = new Set<() => void>();
  let endedBy: string | null | undefined;
  const ended = readEvents(response.body, abort.signal, (event) => {
    events.push(event);
    onEvent?.(event);
    for (const wake of waiting) wake();
  })
    .then(
      () => (abort.signal.aborted ? null : 'the server closed the stream'),
      (error: unknown) => (abort.signal.aborted ? null : error instanceof Error ? error.message : String(error)),
    )
    .then((reason) => {
      endedBy = reason;
      for (const wake of waiting) wake();
      return reason;
    });
  const next = (match: Match, timeoutMs = 10_000) =>
    new Promise<LiveEvent>((resolve, reject) => {
      const seen = () => events.map((e) => e.event).join(', ');
      const settle = () => {
        const found = events.find(match);
        if (!found && endedBy === undefined) return false;
        waiting.delete(settle);
        clearTimeout(timer);
        if (found) resolve(found);
        else reject(new Error(`the stream ended (${endedBy ?? 'closed'}) without a matching event; got: ${seen()}`));
        return true;
      };
      const timer = setTimeout(() => {
        waiting.delete(settle);
        reject(new Error(`no matching event in ${timeoutMs} ms; got: ${seen()}`));
      }, timeoutMs);
      if (!settle()) waiting.add(settle);
    });
  return { events, ended, next: next as EventStream['next'], close: () => abort.abort() };
}

/** The same, for a stream that must be there: a 404 throws too. */
export async function openEventStream(url: string, headers: Record<string, string> = {}, onEvent?: (event: LiveEvent) => void): Promise<EventStream> {
  const stream = await openEventStreamIfAny(url, headers, onEvent);
  if (!stream) throw new Error(`event stream ${url}: HTTP 404`);
  return stream;
}
