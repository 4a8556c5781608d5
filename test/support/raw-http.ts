import net from 'node:net';

/**
 * Raw HTTP/1.1 exchanges over a socket, for what fetch() cannot do: half-sent bodies, aborts mid-body, lying
 * Content-Length headers.
 */

/** Writes raw bytes to the listener and collects whatever comes back until the server closes or `waitMs` passes. */
export function rawExchange(
  port: number,
  chunks: Array<string | Buffer>,
  options: { waitMs?: number; destroyAfterWrite?: boolean } = {},
): Promise<{ response: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let response = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ response, closedByServer });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 3_000);
    socket.on('data', (data) => {
      response += data.toString('utf8');
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error) => (done ? undefined : reject(error)));
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (options.destroyAfterWrite) setTimeout(() => finish(false), 50);
    });
  });
}

export const rawPost = (path: string, headers: Record<string, string | number>, body = '') =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${body}`;
