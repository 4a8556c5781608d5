import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { type HardenedListenerOptions, isFreshTimestamp, startHardenedListener } from '../shared/hardened-listener.ts';
import { InteractionKind, RawInteraction } from './decode.ts';
import { WebhookEventBody } from './premium.ts';
import { ed25519PublicKey, verifyDiscordRequest } from './verify.ts';

export type InitialResponder = (response: { type: number; data?: unknown }) => boolean;

export interface InteractionsEndpoint {
  address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Discord's HTTP interactions endpoint, on the hardened listener (adapters/shared/hardened-listener.ts): a request
 * without both signature headers, or dated more than 5 minutes from now, is refused with 401 before its body is
 * read; the Ed25519 signature is then checked on the complete body (401 otherwise). It answers PING, and hands
 * every other interaction to `onInteraction` with a way to write the first response into the HTTP reply.
 */
export async function startInteractionsEndpoint(params: {
  publicKey: string;
  host: string;
  port: number;
  clock: Clock;
  log: Logger;
  onInteraction: (interaction: RawInteraction, initial: InitialResponder) => Promise<void>;
  /** Listener limits; the hardened listener's defaults otherwise. */
  limits?: Pick<HardenedListenerOptions, 'maxBodyBytes' | 'readTimeoutMs'>;
  /** Counts each refused request (the webhook refusals metric). */
  onRefused?: HardenedListenerOptions['onRefused'];
  /** Webhook events (ENTITLEMENT_CREATE, …) signed like interactions, when the app's Webhooks URL points here. */
  onWebhookEvent?: (type: string, data: unknown) => Promise<void>;
}): Promise<InteractionsEndpoint> {
  const key = ed25519PublicKey(params.publicKey);
  const header = (req: http.IncomingMessage, name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const listener = await startHardenedListener({
    name: 'discord-interactions',
    host: params.host,
    port: params.port,
    log: params.log,
    ...params.limits,
    ...(params.onRefused ? { onRefused: params.onRefused } : {}),
    screen(req) {
      const signature = header(req, 'x-signature-ed25519');
      const timestamp = header(req, 'x-signature-timestamp');
      if (!signature || !timestamp) return { status: 401, reason: 'invalid request signature' };
      if (!isFreshTimestamp(timestamp, params.clock.now().getTime()))
        return { status: 401, reason: 'invalid request signature' };
      return null;
    },
    async handle(req, res, raw, refuse) {
      const verified = verifyDiscordRequest(
        key,
        raw,
        header(req, 'x-signature-ed25519'),
        header(req, 'x-signature-timestamp'),
        params.clock.now().getTime(),
      );
      if (!verified) return refuse({ status: 401, reason: 'invalid request signature' });
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return refuse({ status: 400, reason: 'body is not JSON' });
      }
      // A webhook event has no token (an interaction always has one): PING or an event, answered 204.
      const webhook =
        params.onWebhookEvent && !(json as { token?: unknown })?.token ? WebhookEventBody.safeParse(json) : null;
      if (webhook?.success) {
        res.writeHead(204).end();
        const event = webhook.data.event;
        if (webhook.data.type === 1 && event)
          await params
            .onWebhookEvent?.(event.type, event.data)
            .catch((error: unknown) => params.log.error({ err: error, event: event.type }, 'webhook event failed'));
        return;
      }
      const parsed = RawInteraction.safeParse(json);
      if (!parsed.success) return refuse({ status: 400, reason: 'not an interaction' });
      const send = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (parsed.data.type === InteractionKind.Ping) return void send({ type: 1 });
      let answered = false;
      const initial: InitialResponder = (response) => {
        if (answered) return false;
        answered = true;
        send(response);
        return true;
      };
      try {
        await params.onInteraction(parsed.data, initial);
      } catch (error) {
        params.log.error({ err: error, interaction: parsed.data.id }, 'interaction failed');
      }
      // Nothing to say (a duplicate delivery): close the request without a message.
      if (!answered) res.writeHead(204).end();
    },
  });
  return { address: listener.address, close: () => listener.close() };
}
