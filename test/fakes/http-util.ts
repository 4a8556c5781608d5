import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Shared plumbing of the fake platform servers: body reading, listening on loopback, waiting for calls. */
export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function listenOnLoopback(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Parses a request body by content type: JSON, form-encoded or multipart (file parts keep name, length and bytes). */
export async function parsePayload(contentType: string, raw: Buffer): Promise<Record<string, unknown>> {
  if (raw.length === 0) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  if (contentType.includes('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const out: Record<string, unknown> = {};
    for (const [key, value] of form.entries())
      out[key] =
        typeof value === 'string'
          ? value
          : { filename: value.name, bytes: value.size, data: Buffer.from(await value.arrayBuffer()) };
    return out;
  }
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

/** Resolves once `pick` returns a value; re-checked on every recorded call. */
export class Waiters {
  readonly #listeners = new Set<() => void>();

  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  waitFor<T>(pick: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = pick();
        if (value === undefined) return;
        clearTimeout(timer);
        this.#listeners.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(check);
        reject(new Error(`fake platform: timed out waiting for ${what}`));
      }, timeoutMs);
      this.#listeners.add(check);
      check();
    });
  }
}
