import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { InteractionKind, RawInteraction } from './decode.ts';
import { ed25519PublicKey, verifyDiscordRequest } from './verify.ts';

export type InitialResponder = (response: { type: number; data?: unknown }) => boolean;

export interface InteractionsEndpoint {
  address: AddressInfo;
  close(): Promise<void>;
}

/**
 * Discord's HTTP interactions endpoint: verifies each request's Ed25519 signature (401 otherwise), answers PING,
 * and hands every other interaction to `onInteraction` with a way to write the first response into the HTTP reply.
 */
export async function startInteractionsEndpoint(params: {
  publicKey: string;
  host: string;
  port: number;
  clock: Clock;
  log: Logger;
  onInteraction: (interaction: RawInteraction, initial: InitialResponder) => Promise<void>;
}): Promise<InteractionsEndpoint> {
  const key = ed25519PublicKey(params.publicKey);
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'POST') return res.writeHead(405).end();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1_000_000) return res.writeHead(413).end();
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    const signature = req.headers['x-signature-ed25519'];
    const timestamp = req.headers['x-signature-timestamp'];
    if (
      !verifyDiscordRequest(
        key,
        raw,
        typeof signature === 'string' ? signature : undefined,
        typeof timestamp === 'string' ? timestamp : undefined,
        params.clock.now().getTime(),
      )
    ) {
      params.log.warn({ remote: req.socket.remoteAddress }, 'refused interaction with a bad signature');
      return res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid request signature');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return res.writeHead(400).end();
    }
    const parsed = RawInteraction.safeParse(json);
    if (!parsed.success) return res.writeHead(400).end();
    const send = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (parsed.data.type === InteractionKind.Ping) return send({ type: 1 });
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
  });
  await new Promise<void>((resolve) => server.listen(params.port, params.host, resolve));
  return {
    address: server.address() as AddressInfo,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
