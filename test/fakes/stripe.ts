import http from 'node:http';
import { closeServer, listenOnLoopback, readBody } from './http-util.ts';

/**
 * A fake Stripe API on 127.0.0.1 for stripe-node (pointed at it with host/port/protocol): Checkout Sessions,
 * refunds, billing-portal sessions and the lists reconciliation reads. POSTs are form-encoded as stripe-node sends
 * them; a repeated Idempotency-Key gets the first answer back, as Stripe does. Tests complete sessions, refund and
 * dispute payments here, and get back the event objects Stripe would send, to sign and deliver.
 */
export interface StripeCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | null;
}

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: 'payment' | 'subscription';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  url: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  payment_intent: string | null;
  invoice: string | null;
  subscription: string | null;
  customer: string | null;
  created: number;
  locale: string | null;
}

export interface FakeStripe {
  apiUrl: string;
  calls: StripeCall[];
  sessions: Map<string, FakeSession>;
  refunds: Array<{
    id: string;
    object: 'refund';
    payment_intent: string;
    amount: number;
    status: string;
    created: number;
  }>;
  /** Completes a session as a paying buyer would: its payment intent (or invoice and subscription) now exist. */
  complete(sessionId: string, at?: number): FakeSession;
  /** The next refund request fails (a card network outage). */
  failNextRefund(): void;
  /** A refund made in the Stripe dashboard: returns the charge as charge.refunded carries it. */
  refundInDashboard(paymentIntent: string): Record<string, unknown>;
  close(): Promise<void>;
}

/** Parses stripe-node's form encoding (`a[b][0][c]=v`) into nested objects and arrays. */
export function parseStripeForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else {
        node[part] ??= /^\d+$/.test(path[i + 1] ?? '') ? [] : {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const calls: StripeCall[] = [];
  const sessions = new Map<string, FakeSession>();
  const refunds: FakeStripe['refunds'] = [];
  const answered = new Map<string, { status: number; body: unknown }>();
  let counter = 0;
  let failRefund = false;
  const next = (prefix: string) => `${prefix}_test_${String(++counter).padStart(6, '0')}`;
  const now = () => Math.floor(Date.now() / 1000);

  const list = (url: URL, data: Array<{ created: number }>, path: string) => {
    const gte = Number(url.searchParams.get('created[gte]') ?? 0);
    return { object: 'list', url: path, has_more: false, data: data.filter((d) => d.created >= gte) };
  };

  function route(method: string, url: URL, body: Record<string, unknown>): { status: number; body: unknown } {
    const path = url.pathname;
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const item = (body.line_items as Array<Record<string, Record<string, unknown>>> | undefined)?.[0];
      const price = item?.price_data ?? {};
      const id = next('cs');
      const session: FakeSession = {
        id,
        object: 'checkout.session',
        mode: body.mode === 'subscription' ? 'subscription' : 'payment',
        status: 'open',
        payment_status: 'unpaid',
        url: `https://checkout.stripe.test/c/pay/${id}`,
        client_reference_id: (body.client_reference_id as string) ?? null,
        metadata: (body.metadata as Record<string, string>) ?? {},
        amount_total: Number(price.unit_amount ?? 0) * Number(item?.quantity ?? 1),
        currency: String(price.currency ?? 'usd'),
        payment_intent: null,
        invoice: null,
        subscription: null,
        customer: null,
        created: now(),
        locale: (body.locale as string) ?? null,
      };
      sessions.set(id, session);
      return { status: 200, body: session };
    }
    if (method === 'GET' && path === '/v1/checkout/sessions') {
      const status = url.searchParams.get('status');
      return {
        status: 200,
        body: list(
          url,
          [...sessions.values()].filter((s) => !status || s.status === status),
          path,
        ),
      };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      if (failRefund) {
        failRefund = false;
        return { status: 402, body: { error: { type: 'card_error', message: 'refund failed (fake)' } } };
      }
      const refund = {
        id: next('re'),
        object: 'refund' as const,
        payment_intent: String(body.payment_intent),
        amount: Number(
          body.amount ??
            [...sessions.values()].find((s) => s.payment_intent === body.payment_intent)?.amount_total ??
            0,
        ),
        status: 'succeeded',
        created: now(),
      };
      refunds.push(refund);
      return { status: 200, body: refund };
    }
    if (method === 'GET' && path === '/v1/refunds') return { status: 200, body: list(url, refunds, path) };
    if (method === 'POST' && path === '/v1/billing_portal/sessions')
      return {
        status: 200,
        body: {
          id: next('bps'),
          object: 'billing_portal.session',
          customer: body.customer,
          url: `https://billing.stripe.test/p/session/${counter}`,
        },
      };
    return {
      status: 404,
      body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } },
    };
  }

  const server = http.createServer(async (req, res) => {
    const raw = (await readBody(req)).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = parseStripeForm(raw);
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    calls.push({ method: req.method ?? '', path: url.pathname, body, idempotencyKey: key });
    const send = (status: number, payload: unknown) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${counter}` })
        .end(JSON.stringify(payload));
    if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_test_'))
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    const cacheKey = key && req.method === 'POST' ? `${url.pathname}:${key}` : null;
    const cached = cacheKey ? answered.get(cacheKey) : undefined;
    if (cached) return send(cached.status, cached.body);
    const answer = route(req.method ?? '', url, body);
    if (cacheKey && answer.status < 500) answered.set(cacheKey, answer);
    send(answer.status, answer.body);
  });
  const port = await listenOnLoopback(server);

  return {
    apiUrl: `http://127.0.0.1:${port}`,
    calls,
    sessions,
    refunds,
    complete(sessionId, at = now()) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      session.status = 'complete';
      session.payment_status = 'paid';
      session.customer ??= next('cus');
      if (session.mode === 'payment') session.payment_intent ??= next('pi');
      else {
        session.invoice ??= next('in');
        session.subscription ??= next('sub');
      }
      session.created = at;
      return { ...session };
    },
    failNextRefund() {
      failRefund = true;
    },
    refundInDashboard(paymentIntent) {
      const session = [...sessions.values()].find((s) => s.payment_intent === paymentIntent);
      const refund = {
        id: next('re'),
        object: 'refund' as const,
        payment_intent: paymentIntent,
        amount: session?.amount_total ?? 0,
        status: 'succeeded',
        created: now(),
      };
      refunds.push(refund);
      return {
        id: next('ch'),
        object: 'charge',
        payment_intent: paymentIntent,
        amount: refund.amount,
        amount_refunded: refund.amount,
        refunded: true,
        metadata: session?.metadata ?? {},
        refunds: { object: 'list', data: [refund] },
      };
    },
    close: () => closeServer(server),
  };
}

/** A Stripe event around `object`, as the webhook delivers it. */
export function stripeEvent<T>(id: string, type: string, object: T, created = Math.floor(Date.now() / 1000)) {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    type,
    livemode: false,
    pending_webhooks: 1,
    data: { object },
  };
}
