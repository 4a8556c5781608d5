import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports/logger.ts';
import { rawPost as post, rawExchange } from '../../test/support/raw-http.ts';
import { type HardenedListener, ListenError, startHardenedListener } from './hardened-listener.ts';

describe('startHardenedListener', () => {
  let listener: HardenedListener;
  const handled: string[] = [];

  beforeAll(async () => {
    listener = await startHardenedListener({
      name: 'test',
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1_000,
      readTimeoutMs: 600,
      log: silentLogger,
      screen: (req) => (req.headers['x-signature'] ? null : { status: 401, reason: 'missing signature' }),
      async handle(req, res, body) {
        const text = body.toString('utf8');
        handled.push(text);
        if (text === 'throw') throw new Error('handler bug');
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${body.length} bytes on ${req.url}`);
      },
    });
  });
  afterAll(() => listener.close());

  const url = () => `http://127.0.0.1:${listener.address.port}/hook`;
  const signed = { 'x-signature': 'yes' };

  it('listens on the host and port it was given, and hands complete bodies to the handler', async () => {
    expect(listener.address.address).toBe('127.0.0.1');
    const response = await fetch(url(), { method: 'POST', headers: signed, body: 'hello' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('got 5 bytes on /hook');
  });

  it('refuses before reading when the screen says so: the answer comes while the body is still unsent', async () => {
    // Content-Length promises 900 bytes that never come; the 401 still arrives at once.
    const { response } = await rawExchange(listener.address.port, [post('/hook', { 'content-length': 900 })], {
      waitMs: 400,
    });
    expect(response).toMatch(/^HTTP\/1\.1 401/);
    expect(response).toContain('missing signature');
  });

  it('refuses a body over the cap: at once when declared, at the cap when chunked', async () => {
    const declared = await fetch(url(), { method: 'POST', headers: signed, body: 'x'.repeat(5_000) });
    expect(declared.status).toBe(413);
    const chunked = await rawExchange(listener.address.port, [
      post('/hook', { ...signed, 'transfer-encoding': 'chunked' }),
      `400\r\n${'y'.repeat(1024)}\r\n`,
      `400\r\n${'y'.repeat(1024)}\r\n`,
    ]);
    expect(chunked.response).toMatch(/^HTTP\/1\.1 413/);
    expect(handled.some((h) => h.startsWith('y'))).toBe(false);
  });

  it('closes a half-sent body with 408 after the read timeout, without calling the handler', async () => {
    const before = handled.length;
    const { response, closedByServer } = await rawExchange(
      listener.address.port,
      [post('/hook', { ...signed, 'content-length': 500 }, 'only a little')],
      { waitMs: 5_000 },
    );
    expect(closedByServer).toBe(true);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(handled.length).toBe(before);
  });

  it('survives a client that aborts mid-body, and keeps serving', async () => {
    const before = handled.length;
    for (let i = 0; i < 5; i++)
      await rawExchange(listener.address.port, [post('/hook', { ...signed, 'content-length': 800 }, 'partial')], {
        destroyAfterWrite: true,
      });
    expect(handled.length).toBe(before);
    expect((await fetch(url(), { method: 'POST', headers: signed, body: 'after' })).status).toBe(200);
  });

  it('answers 405 to other methods and 500 when the handler throws', async () => {
    const get = await fetch(url());
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(url(), { method: 'POST', headers: signed, body: 'throw' })).status).toBe(500);
  });

  it('lets a request being handled finish on close, then refuses connections', async () => {
    // Close only once the handler is running: a fixed sleep raced the request's arrival on a loaded machine.
    let started: () => void = () => undefined;
    const handling = new Promise<void>((resolve) => {
      started = resolve;
    });
    const own = await startHardenedListener({
      name: 'closing',
      host: '127.0.0.1',
      port: 0,
      log: silentLogger,
      async handle(_req, res) {
        started();
        await new Promise((resolve) => setTimeout(resolve, 200));
        res.end('finished');
      },
    });
    const inFlight = fetch(`http://127.0.0.1:${own.address.port}/`, { method: 'POST', body: 'x' });
    await handling;
    await own.close();
    expect(await (await inFlight).text()).toBe('finished');
    await expect(fetch(`http://127.0.0.1:${own.address.port}/`, { method: 'POST', body: 'x' })).rejects.toThrow();
  });

  it('reports a port in use as a ListenError naming the listener, host and port', async () => {
    const error = await startHardenedListener({
      name: 'second',
      host: '127.0.0.1',
      port: listener.address.port,
      log: silentLogger,
      handle: () => undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect(error).toMatchObject({ listener: 'second', host: '127.0.0.1', reason: 'EADDRINUSE' });
  });
});
