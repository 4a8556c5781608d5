import type { Logger } from '../../core/ports/logger.ts';
import { type HardenedListener, startHardenedListener } from '../shared/hardened-listener.ts';
import type { PromMetrics } from './prom-metrics.ts';

/** One dependency /readyz asks: the database, a platform connection. */
export interface ReadinessCheck {
  name: string;
  /** Resolves true when ready; false or a rejection (its message is shown) when not. */
  check(): Promise<boolean>;
}

export interface OpsServerOptions {
  host: string;
  port: number;
  metrics: PromMetrics;
  checks: () => readonly ReadinessCheck[];
  log: Logger;
  /** How long one readiness check may take before it counts as failed. Default 2 s. */
  checkTimeoutMs?: number;
}

interface CheckResult {
  name: string;
  ok: boolean;
  error?: string;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const ok = await Promise.race([check.check(), timeout]);
    return { name: check.name, ok };
  } catch (error) {
    return {
      name: check.name,
      ok: false,
      error: (error instanceof Error ? error.message : String(error)).slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The operator's port (OPS_HOST:OPS_PORT, default 127.0.0.1:9464), apart from the platforms' and the panel's:
 * - `GET /healthz`: 200 while the process runs its event loop (liveness: restart it when this fails);
 * - `GET /readyz`: 200 when every check passes (the database answers, each started platform is connected), else 503,
 *   with the checks as JSON (readiness: send it no traffic while this fails);
 * - `GET /metrics`: Prometheus text format (docs/operations.md lists every metric).
 */
export function startOpsServer(options: OpsServerOptions): Promise<HardenedListener> {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  return startHardenedListener({
    name: 'ops',
    host: options.host,
    port: options.port,
    methods: ['GET', 'HEAD'],
    maxBodyBytes: 1024,
    log: options.log,
    async handle(req, res) {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
        return;
      }
      if (path === '/readyz') {
        const results = await Promise.all(options.checks().map((c) => runCheck(c, timeoutMs)));
        const ready = results.every((r) => r.ok);
        options.metrics.ready.set(ready ? 1 : 0);
        if (!ready) options.log.warn({ checks: results.filter((r) => !r.ok) }, 'not ready');
        res
          .writeHead(ready ? 200 : 503, { 'content-type': 'application/json; charset=utf-8' })
          .end(`${JSON.stringify({ ready, checks: results })}\n`);
        return;
      }
      if (path === '/metrics') {
        const body = await options.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': options.metrics.registry.contentType }).end(body);
        return;
      }
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('not found: try /healthz, /readyz or /metrics\n');
    },
  });
}
