import { discordPayloads, FAKE_APP_ID, type FakeDiscord, startFakeDiscord } from '../../test/fakes/discord.ts';
import { type FakeSlack, signSlack, slackPayloads, startFakeSlack } from '../../test/fakes/slack.ts';
import { type FakeTelegram, startFakeTelegram, telegramUpdates } from '../../test/fakes/telegram.ts';
import type { AppProcess, PlatformEndpoints } from './fleet.ts';

/**
 * The three platforms as the load sees them: the tests' loopback fakes (test/fakes) serve the APIs the app calls,
 * and each simulated member's command is sent the way the platform would send it, signed, to one app process's HTTP
 * transport: a Discord interaction (Ed25519), a Slack slash command (HMAC v0), a Telegram update (secret header).
 * A command counts as answered when its reply is seen: in the HTTP answer (Discord's type 4, Slack's ack body,
 * Telegram's sendMessage given as the webhook's answer), or as the follow-up call the app makes to the fake
 * (Discord's @original edit, Slack's response_url, Telegram's sendMessage replying to the message).
 */

export type Platform = 'discord' | 'slack' | 'telegram';
export const PLATFORMS: readonly Platform[] = ['discord', 'slack', 'telegram'];

/** Commands whose answer is one message, so "one reply per delivery" can be counted exactly. */
const COMMANDS = ['balance', 'profile', 'help tip', 'leaderboard'] as const;

const SLACK_SECRET = 'load-bench-signing-secret';
const TELEGRAM_SECRET = 'load-bench-webhook-secret';

export interface Delivery {
  platform: Platform;
  /** The platform's delivery id: a redelivery reuses it. */
  key: string;
  member: number;
  command: string;
  body: string;
  headers(): Record<string, string>;
}

export interface SendResult {
  /** HTTP status, or 0 when the connection failed (the process died). */
  status: number;
  /** The reply came in the HTTP answer itself. */
  answeredInline: boolean;
}

export class LoadPlatforms {
  /** Replies seen per delivery key (inline answers and follow-up calls). */
  readonly replies = new Map<string, number>();
  readonly #waiting = new Map<string, Array<() => void>>();
  #cursor = { discord: 0, slack: 0, telegram: 0 };
  #timer: NodeJS.Timeout | undefined;
  #sequence = 0;
  /** Interaction tokens whose @original was edited (an answer). */
  readonly #edited = new Set<string>();

  private constructor(
    readonly discord: FakeDiscord,
    readonly slack: FakeSlack,
    readonly telegram: FakeTelegram,
  ) {}

  static async start(members: number): Promise<LoadPlatforms> {
    const [discord, slack, telegram] = await Promise.all([startFakeDiscord(), startFakeSlack(), startFakeTelegram()]);
    for (let m = 0; m < members; m++) slack.addUser({ id: `U0LOAD${m}`, name: `member${m}` });
    const platforms = new LoadPlatforms(discord, slack, telegram);
    platforms.#timer = setInterval(() => platforms.#scan(), 2);
    return platforms;
  }

  endpoints(): PlatformEndpoints {
    return {
      discordApiUrl: this.discord.apiUrl,
      discordPublicKey: this.discord.publicKey,
      discordApplicationId: FAKE_APP_ID,
      slackApiUrl: this.slack.apiUrl,
      slackSigningSecret: SLACK_SECRET,
      telegramApiRoot: this.telegram.apiRoot,
      telegramToken: this.telegram.token,
      telegramSecret: TELEGRAM_SECRET,
    };
  }

  /** A new command from `member` on `platform` (a fresh delivery id). */
  delivery(platform: Platform, member: number): Delivery {
    const n = ++this.#sequence;
    const command = COMMANDS[n % COMMANDS.length] as string;
    if (platform === 'discord') {
      const [name, ...rest] = command.split(' ');
      const options = rest.length ? [{ name: 'command', type: 3, value: rest.join(' ') }] : [];
      const user = { id: String(500_000_000_000_000_000n + BigInt(member)), username: `member${member}` };
      const payload = discordPayloads.command(name as string, options, discordPayloads.member(user));
      const body = JSON.stringify(payload);
      return { platform, key: `d:${payload.token}`, member, command, body, headers: () => this.#signDiscord(body) };
    }
    if (platform === 'slack') {
      const id = `load-${n}`;
      const fields = slackPayloads.slashCommand(
        '/cohort',
        command,
        { id: `U0LOAD${member}`, name: `member${member}` },
        `trig-${n}`,
        this.slack.responseUrl(id),
      );
      const body = new URLSearchParams(fields).toString();
      return { platform, key: `s:${id}`, member, command, body, headers: () => this.#signSlack(body) };
    }
    const chat = -1_000_000 - (member % 8);
    const update = telegramUpdates.command(
      n,
      { id: chat },
      { id: 700_000 + member, first_name: `m${member}` },
      `/${command}`,
    );
    const body = JSON.stringify(update);
    return {
      platform,
      key: `t:${chat}:${n}`,
      member,
      command,
      body,
      headers: () => ({ 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
    };
  }

  /** Posts the delivery to one process's endpoint for its platform. */
  async send(delivery: Delivery, to: AppProcess): Promise<SendResult> {
    const url = {
      discord: `http://127.0.0.1:${to.ports.discord}/`,
      slack: `http://127.0.0.1:${to.ports.slack}/slack/events`,
      telegram: `http://127.0.0.1:${to.ports.telegram}/telegram`,
    }[delivery.platform];
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: delivery.headers(),
        body: delivery.body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const answeredInline =
        response.status === 200 &&
        ((delivery.platform === 'discord' && text.startsWith('{"type":4')) ||
          (delivery.platform === 'slack' && text.length > 2) ||
          // A Bot API call as the webhook's answer, which Telegram carries out.
          (delivery.platform === 'telegram' && text.startsWith('{"method":"sendMessage"')));
      if (answeredInline) this.#count(delivery.key);
      return { status: response.status, answeredInline };
    } catch {
      return { status: 0, answeredInline: false };
    }
  }

  /** Resolves when the delivery has at least one reply, or after `timeoutMs` (then false). */
  waitForReply(key: string, timeoutMs: number): Promise<boolean> {
    if ((this.replies.get(key) ?? 0) > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.#waiting.get(key) ?? [];
        this.#waiting.set(
          key,
          list.filter((f) => f !== done),
        );
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.#waiting.set(key, [...(this.#waiting.get(key) ?? []), done]);
    });
  }

  #count(key: string): void {
    this.replies.set(key, (this.replies.get(key) ?? 0) + 1);
    const waiting = this.#waiting.get(key);
    if (waiting) {
      this.#waiting.delete(key);
      for (const resolve of waiting) resolve();
    }
  }

  /** Reads the calls the fakes recorded since the last scan and counts the replies among them. */
  #scan(): void {
    const rest = this.discord.rest;
    for (; this.#cursor.discord < rest.length; this.#cursor.discord++) {
      const call = rest[this.#cursor.discord];
      // The first answer of a deferred interaction: the @original edit, or an ephemeral follow-up after deleting it.
      // Editing @original again (a recovery re-running a command whose answer did arrive) leaves the member one
      // message, so it is one answer.
      const match = /^\/api\/v10\/webhooks\/\d+\/([^/]+)(\/messages\/@original)?$/.exec(call?.path ?? '');
      const edit = call?.method === 'PATCH' && match?.[2] !== undefined;
      if (call && match && edit && this.#edited.has(match[1] as string)) continue;
      if (edit && match) this.#edited.add(match[1] as string);
      if (call && match && (edit || (call.method === 'POST' && !match[2]))) this.#count(`d:${match[1]}`);
    }
    const slack = this.slack.calls;
    for (; this.#cursor.slack < slack.length; this.#cursor.slack++) {
      const call = slack[this.#cursor.slack];
      if (call?.method === 'response') this.#count(`s:${call.path.replace('/response/', '')}`);
    }
    const telegram = this.telegram.calls;
    for (; this.#cursor.telegram < telegram.length; this.#cursor.telegram++) {
      const call = telegram[this.#cursor.telegram];
      const replyTo = (call?.payload.reply_parameters as { message_id?: number } | undefined)?.message_id;
      if (call?.method === 'sendMessage' && replyTo !== undefined) this.#count(`t:${call.payload.chat_id}:${replyTo}`);
    }
  }

  /** Memory the fakes hold grows with every call: the soak drops what was already counted. */
  compact(): void {
    this.#scan();
    this.discord.rest.splice(0, this.#cursor.discord);
    this.slack.calls.splice(0, this.#cursor.slack);
    this.telegram.calls.splice(0, this.#cursor.telegram);
    this.#cursor = { discord: 0, slack: 0, telegram: 0 };
  }

  #signDiscord(body: string): Record<string, string> {
    return { 'content-type': 'application/json', ...this.discord.signInteraction(body) };
  }

  #signSlack(body: string): Record<string, string> {
    const timestamp = Math.floor(Date.now() / 1000);
    return {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlack(SLACK_SECRET, timestamp, body),
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([this.discord.close(), this.slack.close(), this.telegram.close()]);
  }
}
