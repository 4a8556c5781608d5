import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReplyButton, RichReply } from '../../core/domain/reply.ts';
import type { CohortCore, PlatformSpace } from '../../core/framework/envelopes.ts';
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
 * `!N` presses button N of the previous reply, as whoever received it.
 */
export class ConsoleSession {
  #buttons: ReplyButton[] = [];
  #lastSpeaker: string;

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
    return speaker
      ? this.#invoke(speaker[1]!.toLowerCase(), speaker[2]!)
      : this.#invoke(this.options.defaultHandle, line);
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
