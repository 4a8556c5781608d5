/**
 * The reference beside the load figures: a bare node:http server doing only what any webhook endpoint must, the
 * signature checks (Ed25519 for Discord, HMAC-SHA256 for Slack, the secret header for Telegram), and answering a
 * fixed reply. No database, no framework, no SDK. Run as its own process: prints its port on stdout.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const publicKey = crypto.createPublicKey({
  key: Buffer.concat([
    Buffer.from('302a300506032b6570032100', 'hex'),
    Buffer.from(process.env.PUBLIC_KEY ?? '', 'hex'),
  ]),
  format: 'der',
  type: 'spki',
});
const slackSecret = process.env.SLACK_SECRET ?? '';
const telegramSecret = process.env.TELEGRAM_SECRET ?? '';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let ok = false;
    if (req.headers['x-signature-ed25519']) {
      const timestamp = String(req.headers['x-signature-timestamp']);
      ok = crypto.verify(
        null,
        Buffer.concat([Buffer.from(timestamp), body]),
        publicKey,
        Buffer.from(String(req.headers['x-signature-ed25519']), 'hex'),
      );
      if (ok) JSON.parse(body.toString('utf8'));
      return ok
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":4,"data":{"content":"ok"}}')
        : res.writeHead(401).end();
    }
    if (req.headers['x-slack-signature']) {
      const expected = `v0=${crypto
        .createHmac('sha256', slackSecret)
        .update(`v0:${req.headers['x-slack-request-timestamp']}:`)
        .update(body)
        .digest('hex')}`;
      ok = expected === req.headers['x-slack-signature'];
      return ok
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"ok"}')
        : res.writeHead(401).end();
    }
    ok = req.headers['x-telegram-bot-api-secret-token'] === telegramSecret;
    res.writeHead(ok ? 200 : 403).end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
