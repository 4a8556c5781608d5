import http from 'node:http';
import { closeServer, listenOnLoopback, parsePayload, readBody, Waiters } from './http-util.ts';

/**
 * A fake Telegram Bot API on 127.0.0.1 for telegraf: `POST /bot<token>/<method>`, answers `{ ok, result }`.
 * Tests queue updates for long polling, script failures (429) and chat administrators, and assert on the calls.
 */
export interface TelegramCall {
  method: string;
  payload: Record<string, unknown>;
  /** Set when the fake answered this call with a scripted error. */
  failedWith?: number;
  /** Set when the call was a method the bot wrote as a webhook's 200 answer, carried out by "Telegram". */
  viaWebhookAnswer?: true;
  /** Set when the fake held this call before carrying it out (`holdBeforeNext`): nothing of it reached the chat. */
  notCarriedOut?: true;
}

export interface FakeTelegramUser {
  id: number;
  first_name: string;
  username?: string;
  language_code?: string;
  is_bot?: boolean;
}

export const FAKE_BOT = {
  id: 900_001,
  is_bot: true,
  first_name: 'Cohort',
  username: 'cohort_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: true,
  supports_inline_queries: false,
};

export interface FakeTelegram {
  token: string;
  apiRoot: string;
  calls: TelegramCall[];
  /** Queues an update for getUpdates; `redeliver` ignores the offset, as when a confirmation got lost. */
  push(update: Record<string, unknown>, redeliver?: boolean): void;
  nextUpdateId(): number;
  /** The next call of `method` fails with this Bot API error. */
  failNext(method: string, error: { error_code: number; description: string; retry_after?: number }): void;
  /** The next call of `method` is carried out, then its connection dropped: the bot sees a failure that was not. */
  dropAfterNext(method: string): void;
  /**
   * The next call of `method` is carried out and never answered: the bot hangs there as if killed at that instant
   * (the message is in the chat; nothing after the send runs). Released by close().
   */
  holdAfterNext(method: string): void;
  /**
   * The next call of `method` is neither carried out nor answered: the bot hangs there as if killed just before its
   * request reached Telegram (a send leaves nothing in the chat; nothing after it runs). Released by close().
   */
  holdBeforeNext(method: string): void;
  /**
   * Carries out a Bot API call the bot wrote as the body of a webhook's 200, as Telegram does (scripted failures and
   * holds are for the bot's own calls, not this); resolves with the call's result, or null for an empty body.
   */
  carryOutWebhookAnswer(body: string): Promise<unknown>;
  /** What the chat shows, oldest first: the text (or caption) of each message the bot sent, as last edited. */
  chatMessages(chatId: number): string[];
  setAdministrators(
    chatId: number,
    admins: Array<{ user: FakeTelegramUser; status: 'creator' | 'administrator' }>,
  ): void;
  /** The bot's Stars transactions (getStarTransactions): tests add payments, refunds are added by the fake. */
  starTransactions: Array<{
    id: string;
    amount: number;
    date: number;
    source?: { type: 'user'; user: { id: number }; invoice_payload?: string };
    receiver?: { type: 'user'; user: { id: number } };
  }>;
  waitForCall(pred: (call: TelegramCall) => boolean, what: string, timeoutMs?: number): Promise<TelegramCall>;
  /** Waits until `count` calls match. */
  waitForCalls(pred: (call: TelegramCall) => boolean, count: number, what: string): Promise<TelegramCall[]>;
  close(): Promise<void>;
}

export async function startFakeTelegram(token = '123456:TEST-TOKEN'): Promise<FakeTelegram> {
  const calls: TelegramCall[] = [];
  const waiters = new Waiters();
  const queue: Array<{ update: Record<string, unknown>; redeliver: boolean }> = [];
  const failures = new Map<string, Array<{ error_code: number; description: string; retry_after?: number }>>();
  const admins = new Map<string, unknown[]>();
  const drops = new Set<string>();
  const heldAfter = new Set<string>();
  const heldBefore = new Set<string>();
  const heldResponses = new Set<http.ServerResponse>();
  const starTransactions: FakeTelegram['starTransactions'] = [];
  let updateId = 1_000;
  let messageId = 5_000;
  /** What each message the bot sent says, by `chat:message`: editMessageText finds (and compares with) it there. */
  const sent = new Map<string, string>();
  let inviteCounter = 0;
  const holds = new Set<NodeJS.Timeout>();
  // Long polls waiting for an update: a push answers them at once instead of after the hold.
  const wakers = new Set<() => void>();

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const send = (code: number, body: unknown) =>
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!match || match[1] !== token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2] ?? '';
    const payload = await parsePayload(String(req.headers['content-type'] ?? ''), raw);
    const viaWebhookAnswer = req.headers['x-fake-webhook-answer'] === '1';
    const failure = viaWebhookAnswer ? undefined : failures.get(method)?.shift();
    const heldBeforeCarriedOut = !failure && !viaWebhookAnswer && heldBefore.delete(method);
    if (method !== 'getUpdates') {
      calls.push({
        method,
        payload,
        ...(failure ? { failedWith: failure.error_code } : {}),
        ...(viaWebhookAnswer ? { viaWebhookAnswer: true as const } : {}),
        ...(heldBeforeCarriedOut ? { notCarriedOut: true as const } : {}),
      });
      waiters.notify();
    }
    if (heldBeforeCarriedOut) {
      heldResponses.add(res);
      return;
    }
    if (failure)
      return send(failure.error_code, {
        ok: false,
        error_code: failure.error_code,
        description: failure.description,
        ...(failure.retry_after ? { parameters: { retry_after: failure.retry_after } } : {}),
      });
    const ok = (result: unknown) => send(200, { ok: true, result });
    const now = Math.floor(Date.now() / 1000);
    // A held send is held once its message is in the chat (below); any other held call, at once.
    const sends = method === 'sendMessage' || method === 'sendPhoto' || method === 'sendDocument';
    if (!sends && !viaWebhookAnswer && heldAfter.delete(method)) {
      heldResponses.add(res);
      return;
    }
    switch (method) {
      case 'getMe':
        return ok(FAKE_BOT);
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
      case 'sendChatAction':
      case 'answerCallbackQuery':
        return ok(true);
      case 'getChatAdministrators':
        return ok(admins.get(String(payload.chat_id)) ?? []);
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument': {
        const chatId = Number(payload.chat_id);
        const file = payload.document as { filename?: string; bytes?: number } | undefined;
        if (drops.delete(method)) {
          ++messageId;
          return req.socket.destroy();
        }
        sent.set(`${payload.chat_id}:${messageId + 1}`, String(payload.text ?? payload.caption ?? ''));
        if (!viaWebhookAnswer && heldAfter.delete(method)) {
          ++messageId;
          heldResponses.add(res);
          return;
        }
        return ok({
          message_id: ++messageId,
          date: now,
          chat:
            chatId > 0
              ? { id: chatId, type: 'private', first_name: 'member' }
              : { id: chatId, type: 'supergroup', title: 'Fake group' },
          from: FAKE_BOT,
          ...(method === 'sendMessage'
            ? { text: payload.text }
            : method === 'sendPhoto'
              ? { photo: [] }
              : {
                  document: {
                    file_id: `doc${messageId}`,
                    file_unique_id: `u${messageId}`,
                    file_name: file?.filename,
                    file_size: file?.bytes,
                  },
                }),
        });
      }
      case 'editMessageText': {
        const key = `${payload.chat_id}:${payload.message_id}`;
        if (!sent.has(key))
          return send(400, { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
        if (sent.get(key) === payload.text)
          return send(400, { ok: false, error_code: 400, description: 'Bad Request: message is not modified' });
        sent.set(key, String(payload.text));
        return ok({
          message_id: Number(payload.message_id),
          date: now,
          edit_date: now,
          text: payload.text,
          from: FAKE_BOT,
        });
      }
      case 'createChatInviteLink':
      case 'revokeChatInviteLink':
        return ok({
          invite_link: String(payload.invite_link ?? `https://t.me/+fakeInvite${++inviteCounter}`),
          creator: FAKE_BOT,
          creates_join_request: false,
          is_primary: false,
          is_revoked: method === 'revokeChatInviteLink',
          ...(payload.name ? { name: payload.name } : {}),
          ...(payload.member_limit ? { member_limit: Number(payload.member_limit) } : {}),
        });
      case 'banChatMember':
      case 'unbanChatMember':
      case 'answerPreCheckoutQuery':
        return ok(true);
      // Telegram Stars (Bot API 7.4+): invoice links, refunds, the bot's Stars transactions.
      case 'createInvoiceLink':
        return ok(`https://t.me/$fakeInvoice${++inviteCounter}`);
      case 'refundStarPayment': {
        const charge = String(payload.telegram_payment_charge_id);
        const paid = starTransactions.find((t) => t.id === charge);
        if (!paid) return send(400, { ok: false, error_code: 400, description: 'Bad Request: CHARGE_NOT_FOUND' });
        starTransactions.push({
          id: charge,
          amount: paid.amount,
          date: now,
          receiver: { type: 'user', user: { id: Number(payload.user_id) } },
        });
        return ok(true);
      }
      case 'getStarTransactions': {
        const offset = Number(payload.offset ?? 0);
        return ok({ transactions: starTransactions.slice(offset, offset + Number(payload.limit ?? 100)) });
      }
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        const take = () => {
          const ready = queue.filter((q) => q.redeliver || Number(q.update.update_id) >= offset);
          // Confirmed updates (below the offset) and re-deliveries leave the queue once handed out.
          for (let i = queue.length - 1; i >= 0; i--) {
            const entry = queue[i];
            if (entry && (entry.redeliver || Number(entry.update.update_id) < offset)) queue.splice(i, 1);
          }
          return ready.map((q) => q.update);
        };
        const ready = take();
        if (ready.length > 0 || !payload.timeout) return ok(ready);
        const answer = () => {
          clearTimeout(hold);
          holds.delete(hold);
          wakers.delete(answer);
          if (!res.writableEnded) ok(take());
        };
        const hold = setTimeout(answer, 150);
        holds.add(hold);
        wakers.add(answer);
        req.on('close', () => {
          clearTimeout(hold);
          holds.delete(hold);
          wakers.delete(answer);
        });
        return;
      }
      default:
        return send(404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  });
  const port = await listenOnLoopback(server);

  const matching = (pred: (call: TelegramCall) => boolean) => calls.filter(pred);
  return {
    token,
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    starTransactions,
    push(update, redeliver = false) {
      queue.push({ update, redeliver });
      for (const wake of [...wakers]) wake();
    },
    nextUpdateId: () => ++updateId,
    failNext(method, error) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    dropAfterNext(method) {
      drops.add(method);
    },
    holdAfterNext(method) {
      heldAfter.add(method);
    },
    holdBeforeNext(method) {
      heldBefore.add(method);
    },
    async carryOutWebhookAnswer(body) {
      if (!body) return null;
      const { method, ...payload } = JSON.parse(body) as { method: string };
      const response = await fetch(`http://127.0.0.1:${port}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-webhook-answer': '1' },
        body: JSON.stringify(payload),
      });
      return ((await response.json()) as { result?: unknown }).result ?? null;
    },
    chatMessages(chatId) {
      return [...sent].filter(([key]) => key.startsWith(`${chatId}:`)).map(([, text]) => text);
    },
    setAdministrators(chatId, list) {
      admins.set(
        String(chatId),
        list.map((a) => ({
          status: a.status,
          user: { is_bot: false, ...a.user },
          can_change_info: a.status === 'creator',
        })),
      );
    },
    waitForCall: (pred, what, timeoutMs) => waiters.waitFor(() => calls.find(pred), what, timeoutMs),
    waitForCalls: (pred, count, what) =>
      waiters.waitFor(() => (matching(pred).length >= count ? matching(pred) : undefined), what),
    async close() {
      for (const hold of holds) clearTimeout(hold);
      for (const held of heldResponses) held.socket?.destroy();
      await closeServer(server);
    },
  };
}

/** Builders for the updates tests send. */
export const telegramUpdates = {
  command(id: number, chat: { id: number; title?: string }, from: FakeTelegramUser, text: string, messageId = id) {
    const commandLength = text.split(/\s/)[0]?.length ?? text.length;
    return {
      update_id: id,
      message: {
        message_id: messageId,
        date: 1_764_400_000,
        chat: { id: chat.id, type: 'supergroup', title: chat.title ?? 'Fake group' },
        from: { is_bot: false, ...from },
        text,
        entities: [{ type: 'bot_command', offset: 0, length: commandLength }],
      },
    };
  },
  message(
    id: number,
    chat: { id: number; title?: string },
    from: FakeTelegramUser,
    text: string,
    extra: Record<string, unknown> = {},
  ) {
    return {
      update_id: id,
      message: {
        message_id: id,
        date: 1_764_400_000,
        chat: { id: chat.id, type: 'supergroup', title: chat.title ?? 'Fake group' },
        from: { is_bot: false, ...from },
        text,
        ...extra,
      },
    };
  },
  callback(id: number, chat: { id: number; title?: string }, from: FakeTelegramUser, data: string, messageId = 77) {
    return {
      update_id: id,
      callback_query: {
        id: `cb${id}`,
        from: { is_bot: false, ...from },
        chat_instance: 'ci',
        data,
        message: {
          message_id: messageId,
          date: 1_764_400_000,
          chat: { id: chat.id, type: 'supergroup', title: chat.title ?? 'Fake group' },
          text: 'menu',
        },
      },
    };
  },
  preCheckout(id: number, from: FakeTelegramUser, payload: string, totalAmount: number) {
    return {
      update_id: id,
      pre_checkout_query: {
        id: `pcq${id}`,
        from: { is_bot: false, ...from },
        currency: 'XTR',
        total_amount: totalAmount,
        invoice_payload: payload,
      },
    };
  },
  successfulPayment(
    id: number,
    from: FakeTelegramUser,
    payload: string,
    totalAmount: number,
    chargeId: string,
    extra: Record<string, unknown> = {},
  ) {
    return {
      update_id: id,
      message: {
        message_id: id,
        date: 1_764_400_000,
        chat: { id: from.id, type: 'private', first_name: from.first_name },
        from: { is_bot: false, ...from },
        successful_payment: {
          currency: 'XTR',
          total_amount: totalAmount,
          invoice_payload: payload,
          telegram_payment_charge_id: chargeId,
          provider_payment_charge_id: '',
          ...extra,
        },
      },
    };
  },
  reaction(
    id: number,
    chat: { id: number },
    user: FakeTelegramUser,
    messageId: number,
    added: string[],
    removed: string[],
  ) {
    return {
      update_id: id,
      message_reaction: {
        chat: { id: chat.id, type: 'supergroup', title: 'Fake group' },
        message_id: messageId,
        user: { is_bot: false, ...user },
        date: 1_764_400_000,
        old_reaction: removed.map((emoji) => ({ type: 'emoji', emoji })),
        new_reaction: added.map((emoji) => ({ type: 'emoji', emoji })),
      },
    };
  },
};
