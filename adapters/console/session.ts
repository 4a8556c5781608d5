import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReplyButton, RichReply } from '../../core/domain/reply.ts';
import type { CohortCore, PlatformSpace, PlatformUser } from '../../core/framework/envelopes.ts';
import type { MemberStore } from '../../core/ports/stores.ts';
import { encodeConsoleReply } from './encode.ts';

export const CONSOLE_SPACE: PlatformSpace = { platform: 'console', platformId: 'demo', name: 'Cohort Demo Community' };

export interface ConsoleTurn {
  /** What the console printed. */
  output: string;
  reply: RichReply | null;
  status: string;
}

/**
 * The console sandbox's conversation state: who is speaking and which buttons the last reply offered.
 * `@handle /command ...` speaks as that demo member; a bare `/command ...` as the default member;
 * `!N` presses button N of the previous reply, as whoever received it. A line that is not a command is a chat
 * message in #general (`@alice +1 @bob thanks` tips by keyword); `@bob react 👏` reacts to the last message someone
 * else posted.
 */
export class ConsoleSession {
  #buttons: ReplyButton[] = [];
  #lastSpeaker: string;
  /** Chat messages posted in this session, newest last: what `react` reacts to. */
  readonly #messages: { objectId: string; author: string }[] = [];

  constructor(
    private readonly core: CohortCore,
    private readonly members: MemberStore,
    private readonly options: { defaultHandle: string; communityId: () => Promise<string>; imageDir: string },
  ) {
    this.#lastSpeaker = options.defaultHandle;
  }

  async run(rawLine: string): Promise<ConsoleTurn | null> {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return null;
    const pressed = /^!(\d+)$/.exec(line);
    if (pressed) {
      const button = this.#buttons[Number(pressed[1]) - 1];
      if (!button?.action) {
        return {
          output: `No action ${line}: the last reply offered ${this.#buttons.length} button(s).`,
          reply: null,
          status: 'NO_SUCH_BUTTON',
        };
      }
      return this.#invoke(this.#lastSpeaker, button.action);
    }
    const speaker = /^@([\p{L}\p{N}_.-]+)\s+(.*)$/u.exec(line);
    const handle = speaker ? speaker[1]!.toLowerCase() : this.options.defaultHandle;
    const said = speaker ? speaker[2]!.trim() : line;
    if (said.startsWith('/')) return this.#invoke(handle, said);
    const reaction = /^react\s+(\S+)$/u.exec(said);
    return reaction ? this.#react(handle, reaction[1]!) : this.#post(handle, said);
  }

  async #user(handle: string): Promise<PlatformUser> {
    const known = await this.members.findByHandle(await this.options.communityId(), handle);
    return {
      platformUserId: known?.platformUserId ?? handle,
      handle,
      displayName: known?.displayName ?? handle,
      locale: known?.locale ?? null,
    };
  }

  /** A chat message: recorded like a platform's message event; whatever core posts in reply prints as a post. */
  async #post(handle: string, text: string): Promise<ConsoleTurn> {
    const objectId = `console-msg-${randomUUID()}`;
    const mentioned = [...text.matchAll(/@([\p{L}\p{N}_.-]+)/gu)].map((m) => m[1]!.toLowerCase());
    const mentions = await Promise.all([...new Set(mentioned)].filter((h) => h !== handle).map((h) => this.#user(h)));
    const { recorded } = await this.core.handleEvent({
      space: CONSOLE_SPACE,
      user: await this.#user(handle),
      channel: { platformChannelId: 'general', name: 'general' },
      verb: 'message.posted',
      objectType: 'message',
      objectId,
      metadata: { text },
      deliveryId: objectId,
      ...(mentions.length > 0 ? { mentions } : {}),
    });
    this.#messages.push({ objectId, author: handle });
    this.#lastSpeaker = handle;
    return { output: '', reply: null, status: recorded ? 'posted' : 'duplicate' };
  }

  /** A reaction on the last message someone else posted, with its author as the target (as Discord and Slack say). */
  async #react(handle: string, emoji: string): Promise<ConsoleTurn> {
    const message = this.#messages.findLast((m) => m.author !== handle);
    if (!message) return { output: 'No message to react to yet: post one first.', reply: null, status: 'NO_MESSAGE' };
    const { recorded } = await this.core.handleEvent({
      space: CONSOLE_SPACE,
      user: await this.#user(handle),
      channel: { platformChannelId: 'general', name: 'general' },
      verb: 'reaction.added',
      objectType: 'message',
      objectId: message.objectId,
      target: await this.#user(message.author),
      metadata: { emoji },
      deliveryId: `${message.objectId}:${handle}:${emoji}:${randomUUID()}`,
    });
    this.#lastSpeaker = handle;
    return {
      output: `(${emoji} on ${message.author}'s message)`,
      reply: null,
      status: recorded ? 'reacted' : 'duplicate',
    };
  }

  async #invoke(handle: string, commandLine: string): Promise<ConsoleTurn> {
    const known = await this.members.findByHandle(await this.options.communityId(), handle);
    const outcome = await this.core.handleCommand({
      space: CONSOLE_SPACE,
      user: {
        platformUserId: known?.platformUserId ?? handle,
        handle,
        displayName: known?.displayName ?? handle,
        locale: known?.locale ?? null,
      },
      channel: { platformChannelId: 'general', name: 'general' },
      input: { kind: 'text', line: commandLine },
      deliveryId: randomUUID(),
    });
    this.#lastSpeaker = handle;
    const reply = outcome.reply;
    this.#buttons = reply?.buttons?.filter((b) => !b.url) ?? [];
    const saved: { image?: string; file?: string } = {};
    for (const [kind, attachment] of [
      ['image', reply?.image && { name: reply.image.filename, bytes: reply.image.png }],
      ['file', reply?.file && { name: reply.file.filename, bytes: reply.file.data }],
    ] as const) {
      if (!attachment) continue;
      mkdirSync(this.options.imageDir, { recursive: true });
      saved[kind] = path.join(this.options.imageDir, attachment.name);
      writeFileSync(saved[kind], attachment.bytes);
    }
    // Number only the action buttons, matching `!N`; links (a checkout page) follow, shown with their address.
    const links = reply?.buttons?.filter((b) => b.url) ?? [];
    const shown = reply ? { ...reply, buttons: [...this.#buttons, ...links] } : null;
    return { output: shown ? encodeConsoleReply(shown, saved) : '', reply, status: outcome.status };
  }
}
