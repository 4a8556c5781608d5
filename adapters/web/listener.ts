import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../core/ports/logger.ts';
import { type HardenedListener, startHardenedListener } from '../shared/hardened-listener.ts';

/**
 * The panel listens like every other inbound endpoint: through the hardened listener (explicit host and port,
 * read timeouts, a body cap, survival of aborted and half-sent bodies, a graceful close). It hands each request,
 * already read, to Fastify's router by injection, so the framework's plugins (sessions, CSRF, helmet, rate limits)
 * run on it unchanged.
 */
export async function startPanelListener(options: {
  app: FastifyInstance;
  host: string;
  port: number;
  log: Logger;
}): Promise<HardenedListener> {
  await options.app.ready();
  return startHardenedListener({
    name: 'web-panel',
    host: options.host,
    port: options.port,
    methods: ['GET', 'HEAD', 'POST'],
    maxBodyBytes: 256 * 1024,
    log: options.log,
    async handle(req, res, body) {
      const response = await options.app.inject({
        method: req.method as 'GET' | 'HEAD' | 'POST',
        url: req.url ?? '/',
        headers: req.headers,
        ...(body.length ? { payload: body } : {}),
        remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
      });
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value === undefined || name === 'transfer-encoding' || name === 'connection') continue;
        headers[name] = Array.isArray(value) ? value.map(String) : String(value);
      }
      res.writeHead(response.statusCode, headers);
      res.end(req.method === 'HEAD' ? undefined : response.rawPayload);
    },
  });
}
