import type { Community, Member } from '../domain/types.ts';
import { UserError } from '../errors.ts';
import type { EventEnvelope } from '../framework/envelopes.ts';
import { parseMemberRef } from '../framework/options.ts';
import type { Translator } from '../i18n/translate.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Messenger } from '../ports/messenger.ts';
import type { MemberStore } from '../ports/stores.ts';
import { LEDGER_ERRORS, type LedgerService } from './ledger-service.ts';

/**
 * Tipping without a command, as HeyTaco and Bonusly do it: a message that starts with `+N @member` (or `@member +N`)
 * tips N points, and a 👏 reaction on someone's message tips one. The adapters already decode messages (their text)
 * and reactions (their emoji and the message's author) into core events; this listener reads those events and goes
 * through the same ledger as /tip, with the same limits, flags and idempotency (one tip per reaction per message,
 * one per mention per message, however often the platform redelivers).
 */

/** Reactions that tip: the clapping hands, as Unicode (Discord, Telegram) and by Slack's name, any skin tone. */
const TIP_REACTION_NAMES = new Set(['👏', 'clap']);

/** Points a tipping reaction gives. */
export const REACTION_TIP_POINTS = 1;

/** At most this many members tipped by one keyword message: a "+1 @everyone-I-know" is not thanks. */
export const MAX_KEYWORD_RECIPIENTS = 5;

export function isTipReaction(emoji: string): boolean {
  const name = emoji
    .trim()
    .replace(/^:|:$/g, '')
    .replace(/::skin-tone-\d$/, '')
    .replace(/[\u{1F3FB}-\u{1F3FF}\uFE0F]/gu, '');
  return TIP_REACTION_NAMES.has(name);
}

export interface KeywordTip {
  /** Mentions as written: `@bob`, `<@U123>`, `<@!123>`. */
  refs: string[];
  amount: number;
  reason: string | null;
}

const MENTION = String.raw`(?:<@!?[A-Za-z0-9_.:-]+(?:\|[^>]*)?>|@[\p{L}\p{N}_.-]{1,64})`;
// A Chinese keyboard types the full-width plus: "＋1 @陈晨" counts too.
const PLUS_FIRST = new RegExp(String.raw`^\s*[+＋](\d{1,6})\s+((?:${MENTION}[\s,，]*)+)(.*)$`, 'su');
const MENTIONS_FIRST = new RegExp(String.raw`^\s*((?:${MENTION}[\s,，]*)+)[+＋](\d{1,6})(?=\s|$)(.*)$`, 'su');
const ONE_MENTION = new RegExp(MENTION, 'gu');

/** `+2 @bob @maya great notes` → two refs, 2 points, reason "great notes"; null when the message is not a tip. */
export function parseKeywordTip(text: string): KeywordTip | null {
  let amount: string | undefined;
  let mentions: string | undefined;
  let rest: string | undefined;
  const plus = PLUS_FIRST.exec(text);
  if (plus) [, amount, mentions, rest] = plus;
  else {
    const after = MENTIONS_FIRST.exec(text);
    if (!after) return null;
    [, mentions, amount, rest] = after;
  }
  const refs = [...new Set((mentions ?? '').match(ONE_MENTION) ?? [])];
  const reason = (rest ?? '').replace(/^[\s:：,，-]+/, '').trim();
  return refs.length > 0 ? { refs, amount: Number(amount), reason: reason || null } : null;
}

export interface TipGesturesDeps {
  ledger: LedgerService;
  members: MemberStore;
  messenger: Messenger;
  translator: Translator;
  clock: Clock;
  log: Logger;
}

export class TipGestures {
  readonly #deps: TipGesturesDeps;
  readonly #log: Logger;

  constructor(deps: TipGesturesDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ ns: 'core:tip-gestures' });
  }

  /** The feature's event listener. */
  async onEvent(event: EventEnvelope, scope: { community: Community; actor: Member }): Promise<void> {
    if (scope.actor.isBot) return;
    if (event.verb === 'reaction.added') await this.#reaction(event, scope);
    else if (event.verb === 'message.posted') await this.#keyword(event, scope);
  }

  async #reaction(event: EventEnvelope, { community, actor }: { community: Community; actor: Member }) {
    const emoji = event.metadata?.['emoji'];
    if (typeof emoji !== 'string' || !isTipReaction(emoji) || !event.target) return;
    const recipient = await this.#deps.members.findByPlatformUserId(community.id, event.target.platformUserId);
    if (!recipient || recipient.id === actor.id) return;
    try {
      await this.#deps.ledger.tip({
        community,
        sender: actor,
        recipient,
        amount: REACTION_TIP_POINTS,
        // The gesture, whatever skin tone or platform name it came in: a redelivery must match the first exactly.
        reason: '👏',
        // One tip per member and message: removing and adding the reaction again gives nothing more.
        idempotencyKey: `${community.platform}:reaction-tip:${event.objectId}:${actor.id}`,
        now: this.#deps.clock.now(),
        platform: community.platform,
      });
    } catch (error) {
      // A reaction has no reply to carry a refusal: an over-the-cap 👏 stays a plain reaction, noted in the log.
      if (!(error instanceof UserError)) throw error;
      this.#log.info({ code: error.code, from: actor.id, to: recipient.id }, 'reaction tip refused');
    }
  }

  async #keyword(event: EventEnvelope, { community, actor }: { community: Community; actor: Member }) {
    const text = event.metadata?.['text'];
    if (typeof text !== 'string') return;
    const gesture = parseKeywordTip(text);
    if (!gesture) return;
    const t = this.#deps.translator.forLocale(actor.locale ?? community.locale ?? 'en');
    const lines: string[] = [];
    let refused = false;
    for (const [i, written] of gesture.refs.slice(0, MAX_KEYWORD_RECIPIENTS).entries()) {
      const recipient = await this.#resolve(community, written);
      try {
        const receipt = await this.#deps.ledger.tip({
          community,
          sender: actor,
          recipient,
          amount: gesture.amount,
          reason: gesture.reason,
          idempotencyKey: `${community.platform}:keyword-tip:${event.objectId}:${i}`,
          now: this.#deps.clock.now(),
          platform: community.platform,
        });
        if (receipt.duplicate) continue;
        const params = {
          sender: actor.displayName,
          member: recipient?.displayName ?? written,
          amount: receipt.transfer.amount,
          count: receipt.transfer.amount,
          reason: receipt.transfer.reason,
        };
        lines.push(
          t(receipt.transfer.reason ? 'interactions:gesture.sentReason' : 'interactions:gesture.sent', params),
        );
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        this.#log.info({ code: error.code, from: actor.id }, 'keyword tip refused');
        refused = true;
        // The answer is public: a refusal that would show the sender's balance only points to /balance.
        const why =
          error.code === LEDGER_ERRORS.insufficient
            ? t('interactions:gesture.notEnough')
            : t(error.i18nKey, error.params);
        lines.push(
          t('interactions:gesture.refused', {
            sender: actor.displayName,
            member: recipient?.displayName ?? written,
            why,
          }),
        );
      }
    }
    if (lines.length === 0 || !event.channel) return;
    await this.#deps.messenger
      .post(
        { platform: community.platform, spaceId: community.platformId, channelId: event.channel.platformChannelId },
        { text: lines.join('\n'), tone: refused ? 'warning' : 'success' },
      )
      .catch((err: unknown) => this.#log.warn({ err }, 'keyword tip confirmation not delivered'));
  }

  async #resolve(community: Community, written: string): Promise<Member | null> {
    const ref = parseMemberRef(written);
    if (!ref) return null;
    return ref.kind === 'id'
      ? this.#deps.members.findByPlatformUserId(community.id, ref.platformUserId)
      : this.#deps.members.findByHandle(community.id, ref.handle);
  }
}
