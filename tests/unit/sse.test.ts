import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventOf, openEventStream, openEventStreamIfAny } from '../../scripts/lib/sse.ts';

/** A stream whose chunks the test writes, served by a stubbed `fetch` (no server). */
function serve(status = 200) {
  let push!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start: (controller) => {
      push = controller;
    },
  });
  vi.stubGlobal('fetch', async () => new Response(status === 200 ? body : 'no', { status }));
  const encoder = new TextEncoder();
  return { write: (text: string) => push.enqueue(encoder.encode(text)), end: () => push.close() };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the live stream reader', () => {
  it('reads events with CRLF or CR line ends, also split between chunks, and skips comments', async () => {
    const server = serve();
    const stream = await openEventStream('http://test/api/live');
    server.write(': keep-alive\r\n\r\nevent: sensor\r');
    server.write('\ndata: {"code":"FP01",\r\ndata:"level_m":0.5}\r\n\r');
    server.write('\nevent:alert_gone\rdata: {"id":7}\r\r');
    const sensor = await stream.next(eventOf('sensor'));
    // Typed from the server: `code` is a sensor update's.
    expect(sensor.data.code).toBe('FP01');
    expect(sensor.data).toEqual({ code: 'FP01', level_m: 0.5 });
    expect((await stream.next(eventOf('alert_gone'))).data).toEqual({ id: 7 });
    expect(stream.events.map((e) => e.event)).toEqual(['sensor', 'alert_gone']);
    stream.close();
    expect(await stream.ended).toBeNull();
  });

  it('waits for an event still to come, after a given point, and stops waiting when the stream ends', async () => {
    const server = serve();
    const stream = await openEventStream('http://test/api/live');
    server.write('event: alert_gone\ndata: {"id":1}\n\n');
    await stream.next(eventOf('alert_gone'));
    const later = stream.next((e, i) => i >= 1 && e.event === 'alert_gone');
    server.write('event: alert_gone\ndata: {"id":2}\n\n');
    expect((await later).data).toEqual({ id: 2 });
    const never = stream.next(eventOf('snapshot'), 60_000);
    server.end();
    await expect(never).rejects.toThrow(/stream ended \(the server closed the stream\) without a matching event; got: alert_gone, alert_gone/);
    expect(await stream.ended).toBe('the server closed the stream');
  });

  it('gives null for a server without the stream (404) where that is allowed, and throws otherwise', async () => {
    serve(404);
    expect(await openEventStreamIfAny('http://test/api/live')).toBeNull();
    await expect(openEventStream('http://test/api/live')).rejects.toThrow(/HTTP 404/);
    serve(401);
    await expect(openEventStreamIfAny('http://test/api/live')).rejects.toThrow(/HTTP 401/);
  });
});
