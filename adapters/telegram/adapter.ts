import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Telegraf, TelegramError } from 'telegraf';
import type { RichReply } from '../../core/domain/reply.ts';
import type { Locale } from '../../core/domain/types.ts';
import type {
  CohortCore,
  CommandEnvelope,
  CommandOutcome,
  EventEnvelope,
  ResumedCommand,
} from '../../core/framework/envelopes.ts';
import { normalizeLocale } from '../../core/i18n/translate.ts';
import type { PaymentService } from '../../core/payments/payment-service.ts';
import type { AccessGranter } from '../../core/ports/access.ts';
import { type Clock, systemClock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Messenger } from '../../core/ports/messenger.ts';
import type { ReplyPageStore } from '../../core/ports/reply-pages.ts';
import {
  type HardenedListener,
  type HardenedListenerOptions,
  startHardenedListener,
} from '../shared/hardened-listener.ts';
import { adapterText } from '../shared/messages.ts';
import type { RateLimitPolicy } from '../shared/rate-limit.ts';
import { startResumeSweep } from '../shared/resume-sweep.ts';
import { handleCommandSafely } from '../shared/safe-handle.ts';
import { listenFailure, networkFailure, PlatformStartError } from '../shared/start-error.ts';
import { TtlCache } from '../shared/ttl-cache.ts';
import { TelegramAccess } from './access.ts';
import { decodeCallback, decodeCommand, decodeEvents, TelegramUpdate, toPlatformUser } from './decode.ts';
import { encodeReply } from './encode.ts';
import { TelegramMessenger } from './messenger.ts';
import { onePage, pageKeyboard, parsePageData, readKeyboard } from './pages.ts';
import { TelegramRoles } from './permissions.ts';
import { telegramMenus } from './register.ts';
import { readResumeRecord, resumeRecord } from './resume.ts';
import { type SendTarget, sendMessages, telegramRateLimitPolicy, webhookSendMessage } from './send.ts';
import { starsGateway, starsUpdates } from './stars.ts';

export interface TelegramOptions {
  token: string;
  /** Bot API origin without a path; a self-hosted Bot API server or a test fake. */
  apiRoot?: string;
  /** Webhook mode when set (on the hardened listener, 127.0.0.1 by default behind an HTTPS proxy); polling otherwise. */
  webhook?: {
    domain: string;
    path?: string;
    secretToken: string;
    host?: string;
    port: number;
    limits?: Pick<HardenedListenerOptions, 'maxBodyBytes' | 'readTimeoutMs'>;
    /** Counts each refused request (wrong secret token, malformed body). */
    onRefused?: HardenedListenerOptions['onRefused'];
  };
  /** Replace the command menus on start (default true). */
  registerCommands?: boolean;
  adminCacheTtlMs?: number;
  /** Show "typing…" when a command has not answered after this long (default 2 000 ms). */
  ackAfterMs?: number;
  clock?: Clock;
  rateLimit?: Pick<RateLimitPolicy, 'maxRetries' | 'maxWaitMs' | 'budget'>;
  /** Sell XTR-priced courses as Telegram Stars invoices (TELEGRAM_STARS). */
  stars?: { payments: PaymentService };
  /**
   * Where answers longer than one message keep their pages: every answer is then one message (the webhook's 200) and
   * the member turns pages with its buttons. Without it a long answer is sent as several messages through the Bot
   * API, which a gateway killed mid-way can send twice after the lease (ADR 0018).
   */
  pages?: ReplyPageStore;
  /** Long polling: how often to look for commands a killed poller claimed and never answered (default 15 s). */
  resumeEveryMs?: number;
}

export interface TelegramAdapter {
  name: 'telegram';
  messenger: Messenger;
  /** Course chats: single-use invite links sent privately; removal by ban + unban. */
  access: AccessGranter;
  bot: Telegraf;
  /** The local address of the webhook server, in webhook mode. */
  webhookAddress?: AddressInfo;
  /** Long polling: answers now the commands a killed poller claimed whose lease is over (tests; a timer runs it too). */
  sweepAbandoned(): Promise<number>;
  stop(): Promise<void>;
}

// message_reaction arrives only when the bot is a chat administrator.
const ALLOWED_UPDATES = ['message', 'callback_query', 'message_reaction', 'pre_checkout_query'] as const;

/** Telegram's answer (`401: Unauthorized`, `400: Bad Request: bad webhook …`) or the network's, for start-up. */
function startFailure(error: unknown, setting: 'token' | 'webhook'): unknown {
  if (error instanceof TelegramError)
    return new PlatformStartError('telegram', 'PLATFORM_REFUSED', setting, `${error.code}: ${error.description}`, {
      cause: error,
      status: error.code,
    });
  const network = networkFailure(error);
  if (network) return new PlatformStartError('telegram', 'PLATFORM_UNREACHABLE', 'apiUrl', network, { cause: error });
  return error;
}

/** Telegram sends the member's app language; Cohort speaks English and Simplified Chinese. */
function localeOf(code: string | undefined): Locale {
  return normalizeLocale(code) ?? 'en';
}

function parseJsonObject(body: Buffer): object | null {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

export async function startTelegram(
  core: CohortCore,
  options: TelegramOptions,
  baseLog: Logger,
): Promise<TelegramAdapter> {
  const log = baseLog.child({ ns: 'adapter:telegram' });
  const clock = options.clock ?? systemClock;
  const bot = new Telegraf(options.token, {
    telegram: { apiRoot: options.apiRoot ?? 'https://api.telegram.org', webhookReply: false },
    handlerTimeout: 120_000,
  });
  const policy = telegramRateLimitPolicy(log, options.rateLimit);
  const roles = new TelegramRoles(
    (chatId) => bot.telegram.getChatAdministrators(chatId),
    clock,
    log,
    options.adminCacheTtlMs,
  );
  // Reactions do not say whose message they were on: remember recent authors to credit the right member.
  const authors = new TtlCache<string, ReturnType<typeof toPlatformUser>>(7 * 86_400_000, clock, 20_000);
  // `@username` mentions carry no id: resolve members seen speaking recently.
  const usernames = new TtlCache<string, ReturnType<typeof toPlatformUser>>(30 * 86_400_000, clock, 20_000);
  const inFlight = new Set<Promise<unknown>>();
  /** Webhook updates to answer 503 instead of 200: their command is held by another run's lease. */
  const redeliverLater = new Set<number>();
  /** Webhook requests still open, by update id: writes a Bot API call as the 200 answer (false if already answered). */
  const openWebhookAnswers = new Map<number, (method: object) => boolean>();

  bot.botInfo = await bot.telegram.getMe().catch((error: unknown) => {
    throw startFailure(error, 'token');
  });
  const me = bot.botInfo;

  async function deliver(target: SendTarget, reply: RichReply): Promise<string> {
    return sendMessages(bot.telegram, target, encodeReply(reply), policy);
  }

  async function runCommand(
    envelope: CommandEnvelope,
    chatType: string,
    target: SendTarget,
    updateId?: number,
  ): Promise<void> {
    envelope.user.platformRole = await roles.roleOf(envelope.space.platformId, chatType, envelope.user.platformUserId);
    // Telegram has no deadline, but a member waiting on a slow command sees "typing…" when the dispatcher acks.
    // The reply is sent before the delivery is marked answered: a process that dies in between leaves it unfinished,
    // and Telegram's redelivery (the webhook got no 200) runs it again once its lease is over, instead of silence.
    // A poller's redelivery cannot wait for the lease (asking for the next updates confirms it), so in long polling
    // the command's record is kept from the claim on, for the resume sweep to answer.
    await handleCommandSafely(core, envelope, log, {
      acknowledge: async () => {
        await bot.telegram
          .sendChatAction(target.chatId, 'typing', target.threadId ? { message_thread_id: target.threadId } : {})
          .catch((error: unknown) => log.warn({ err: error }, 'sendChatAction failed'));
      },
      ackAfterMs: options.ackAfterMs,
      ...(options.webhook
        ? {}
        : {
            resume: {
              platform: 'telegram' as const,
              record: resumeRecord(envelope, chatType, target),
              whenClaimed: true,
            },
          }),
      answer: (outcome) => answerCommand(outcome, envelope, chatType, target, updateId),
    });
  }

  /** `updateId`: the webhook update whose HTTP answer may carry the reply (absent for a resumed command). */
  async function answerCommand(
    outcome: CommandOutcome,
    envelope: CommandEnvelope,
    chatType: string,
    target: SendTarget,
    updateId?: number,
  ): Promise<void> {
    // Being answered by another run (or by one whose process died, until its lease ends): in webhook mode
    // Telegram is asked to deliver it again later, so a crash mid-command does not turn the redelivery into silence.
    if (outcome.status === 'in-progress' && updateId !== undefined && options.webhook) redeliverLater.add(updateId);
    if (!outcome.reply) return; // a duplicate delivery: already answered
    if (outcome.reply.file && outcome.reply.ephemeral && chatType !== 'private')
      return deliverPrivately(envelope.user.platformUserId, outcome.reply, outcome.locale, target);
    const encoded = encodeReply(outcome.reply);
    const messages = options.pages ? await onePage(encoded, options.pages, outcome, clock.now()) : encoded;
    const [only] = messages;
    const inline = updateId !== undefined ? openWebhookAnswers.get(updateId) : undefined;
    // In webhook mode a one-message answer goes in the HTTP answer: Telegram then has the reply exactly when it
    // has the 200, so a process that dies on either side of that write neither loses nor doubles the reply.
    if (inline && messages.length === 1 && only?.kind === 'text' && inline(webhookSendMessage(target, only))) return;
    await sendMessages(bot.telegram, target, messages, policy);
  }

  /** A command a killed poller claimed and never answered: answered through the Bot API, as a poller answers. */
  function resumeCommand(stored: string): ResumedCommand | null {
    const record = readResumeRecord(stored);
    if (!record) return null;
    const { envelope, chatType, target } = record;
    return { envelope, answer: (outcome) => answerCommand(outcome, envelope, chatType, target) };
  }

  /**
   * Telegram has no messages visible to one member of a group: a personal file (a data export) goes to the
   * member's private chat with the bot, and the group hears only that it was sent. A bot may not start a private
   * chat, so a member who never pressed Start is told how to.
   */
  async function deliverPrivately(userId: string, reply: RichReply, locale: Locale, group: SendTarget) {
    let key = 'sentPrivately';
    try {
      await deliver({ chatId: userId }, reply);
    } catch (error) {
      // 403: never pressed Start, or blocked the bot; some clients' users yield 400 "chat not found" instead.
      const unreachable =
        error instanceof TelegramError &&
        (error.code === 403 || (error.code === 400 && /chat not found/i.test(error.description)));
      if (!unreachable) throw error;
      log.info({ err: error }, 'cannot message the member privately');
      key = 'cannotMessagePrivately';
    }
    await deliver(group, { text: adapterText(locale, key, { bot: me.username }), ephemeral: true });
  }

  async function handle(raw: unknown): Promise<void> {
    const parsed = TelegramUpdate.safeParse(raw);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'unreadable update ignored');
      return;
    }
    const update = parsed.data;
    const query = update.callback_query;
    const page = parsePageData(query?.data);
    if (query && page) return turnPage(query, page);
    if (query) {
      // Answer the press at once so the client stops its spinner; the command's reply follows as a message.
      await bot.telegram.answerCbQuery(query.id).catch((error: unknown) => log.warn({ err: error }, 'answerCbQuery'));
      const envelope = decodeCallback(update);
      if (envelope && query.message)
        await runCommand(
          envelope,
          query.message.chat.type,
          { chatId: String(query.message.chat.id), threadId: query.message.message_thread_id },
          update.update_id,
        );
      return;
    }
    const message = update.message;
    if (message?.from && !message.from.is_bot) {
      const author = toPlatformUser(message.from);
      authors.set(`${message.chat.id}:${message.message_id}`, author);
      if (message.from.username) usernames.set(`${message.chat.id}:${message.from.username.toLowerCase()}`, author);
    }
    const command = decodeCommand(update, me.username);
    if (command && message) {
      await runCommand(
        command,
        message.chat.type,
        { chatId: String(message.chat.id), threadId: message.message_thread_id, replyTo: message.message_id },
        update.update_id,
      );
      return;
    }
    const chatId = message?.chat.id;
    for (const event of decodeEvents(update, me.id, (name) => usernames.get(`${chatId}:${name}`))) await record(event);
  }

  /**
   * A page button: the message is edited to that page. Pressed twice (or redelivered), the edit finds the message
   * already showing it, which Telegram reports as "not modified": done. Expired pages get a polite alert instead.
   */
  async function turnPage(
    query: NonNullable<TelegramUpdate['callback_query']>,
    page: { id: string; index: number },
  ): Promise<void> {
    const stored = options.pages ? await options.pages.read(page.id, clock.now()) : null;
    const html = stored?.pages[page.index];
    if (!stored || html === undefined || !query.message) {
      const locale = localeOf(query.from.language_code);
      await bot.telegram
        .answerCbQuery(query.id, adapterText(locale, 'pagesExpired'), { show_alert: true })
        .catch((error: unknown) => log.warn({ err: error }, 'answerCbQuery'));
      return;
    }
    await bot.telegram.answerCbQuery(query.id).catch((error: unknown) => log.warn({ err: error }, 'answerCbQuery'));
    const keyboard = pageKeyboard(
      page.id,
      page.index,
      stored.pages.length,
      stored.locale,
      readKeyboard(stored.keyboard),
    );
    await bot.telegram
      .editMessageText(query.message.chat.id, query.message.message_id, undefined, html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup: { inline_keyboard: keyboard },
      })
      .catch((error: unknown) => {
        if (error instanceof TelegramError && /message is not modified/i.test(error.description)) return;
        throw error;
      });
  }

  async function record(event: EventEnvelope): Promise<void> {
    if (event.verb.startsWith('reaction.') && !event.target) {
      const author = authors.get(event.objectId);
      if (author && author.platformUserId !== event.user.platformUserId) event.target = author;
    }
    await core.handleEvent(event);
  }

  // Stars: pre-checkout queries and successful payments are the payment service's, not commands or events.
  const stars = options.stars
    ? starsUpdates({ telegram: bot.telegram, payments: options.stars.payments, log, now: () => clock.now() })
    : null;
  if (options.stars) options.stars.payments.register(starsGateway(bot.telegram));

  bot.use(async (ctx) => {
    const work = (stars ? stars(ctx.update) : Promise.resolve(false))
      .then((taken) => (taken ? undefined : handle(ctx.update)))
      .catch((error: unknown) => log.error({ err: error, updateId: ctx.update.update_id }, 'update failed'));
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  bot.catch((error) => log.error({ err: error }, 'telegraf error'));

  if (options.registerCommands ?? true) {
    for (const menu of telegramMenus(core.commands()))
      await bot.telegram
        .setMyCommands(menu.commands, menu.languageCode ? { language_code: menu.languageCode } : {})
        .catch((error: unknown) => log.error({ err: error, language: menu.languageCode }, 'setMyCommands failed'));
  }

  let server: HardenedListener | undefined;
  let polling: Promise<void> | undefined;
  if (options.webhook) {
    const hook = options.webhook;
    // createWebhook registers the URL and secret with Telegram; the updates are then read here, not by its handler,
    // so the HTTP answer can say "again later" for a delivery another run still holds.
    await bot
      .createWebhook({
        domain: hook.domain,
        path: hook.path ?? '/telegram',
        secret_token: hook.secretToken,
        allowed_updates: [...ALLOWED_UPDATES],
      })
      .catch((error: unknown) => {
        throw startFailure(error, 'webhook');
      });
    const secret = Buffer.from(hook.secretToken);
    server = await startHardenedListener({
      name: 'telegram-webhook',
      host: hook.host ?? '127.0.0.1',
      port: hook.port,
      log,
      ...hook.limits,
      ...(hook.onRefused ? { onRefused: hook.onRefused } : {}),
      // Telegram sends the secret in a header: without it (or with another) nothing of the body is read.
      screen(req) {
        const given = req.headers['x-telegram-bot-api-secret-token'];
        const ok =
          typeof given === 'string' &&
          Buffer.byteLength(given) === secret.length &&
          timingSafeEqual(Buffer.from(given), secret);
        return ok ? null : { status: 403, reason: 'missing or wrong secret token' };
      },
      async handle(_req, res, body, refuse) {
        const update = parseJsonObject(body);
        if (!update) return refuse({ status: 400, reason: 'body is not a JSON object' });
        const updateId = (update as { update_id?: unknown }).update_id;
        let answered = false;
        if (typeof updateId === 'number')
          openWebhookAnswers.set(updateId, (method) => {
            if (answered) return false;
            answered = true;
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(method));
            return true;
          });
        try {
          await bot.handleUpdate(update as Parameters<typeof bot.handleUpdate>[0]);
        } finally {
          if (typeof updateId === 'number') openWebhookAnswers.delete(updateId);
        }
        if (answered) return;
        if (typeof updateId === 'number' && redeliverLater.delete(updateId)) {
          res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '30' }).end('being handled; retry later');
          return;
        }
        res.writeHead(200).end();
      },
    }).catch((error: unknown) => {
      throw listenFailure('telegram', error) ?? error;
    });
    log.info({ host: server.address.address, port: server.address.port }, 'telegram webhook listening');
  } else {
    // launch() resolves only when polling ends; onLaunch says it has begun, so stop() always has a loop to end.
    let launched!: () => void;
    const started = new Promise<void>((resolve) => {
      launched = resolve;
    });
    polling = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES], dropPendingUpdates: false }, () => launched());
    polling.catch((error: unknown) => log.error({ err: error }, 'telegram polling stopped'));
    await Promise.race([started, polling]);
    log.info({ bot: me.username }, 'telegram long polling');
  }

  // Only pollers keep records (webhook updates are redelivered by Telegram until a 200 answers them).
  const sweep = options.webhook
    ? null
    : startResumeSweep({
        core,
        platform: 'telegram',
        log,
        resume: resumeCommand,
        ...(options.resumeEveryMs !== undefined ? { everyMs: options.resumeEveryMs } : {}),
      });
  const messenger: Messenger = new TelegramMessenger(bot.telegram, policy);

  return {
    name: 'telegram',
    messenger,
    access: new TelegramAccess(bot.telegram, policy, log),
    bot,
    webhookAddress: server?.address,
    sweepAbandoned: async () => (sweep ? sweep.sweep() : 0),
    async stop() {
      await sweep?.stop();
      if (polling) {
        try {
          bot.stop('shutdown');
        } catch (error) {
          // Polling already ended (its error was logged); nothing left to stop.
          log.debug({ err: error }, 'telegram polling was not running');
        }
        await polling.catch(() => undefined);
      }
      await Promise.allSettled([...inFlight]);
      await server?.close();
    },
  };
}
