import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Locale } from '../../core/domain/types.ts';
import type { PersonalScope } from '../../core/ports/personal-data.ts';
import type { ReplyPageStore } from '../../core/ports/reply-pages.ts';
import { adapterText } from '../shared/messages.ts';
import type { InlineButton, TelegramMessage } from './encode.ts';

/**
 * Every Telegram answer is one message (ADR 0018): one message rides in the webhook's 200, so a gateway killed at any
 * instant neither loses nor doubles it. An answer longer than 4096 characters is kept as pages and shown one at a
 * time; "◀ prev" / "▶ next" edit that same message in place, which is idempotent (a press handled twice edits to the
 * same text, and Telegram's "message is not modified" counts as done).
 */
export const PAGES_TTL_MS = 24 * 3_600_000;

/** Callback data of a page button: `pg:<12-character id>:<page>`, well under Telegram's 64 bytes. */
const PAGE_DATA = /^pg:([A-Za-z0-9_-]{12}):(\d{1,4})$/;

export function pageData(id: string, index: number): string {
  return `pg:${id}:${index}`;
}

export function parsePageData(data: string | undefined): { id: string; index: number } | null {
  const match = data ? PAGE_DATA.exec(data) : null;
  return match?.[1] && match[2] ? { id: match[1], index: Number(match[2]) } : null;
}

const Keyboard = z.array(
  z.array(
    z.union([
      z.object({ text: z.string(), callback_data: z.string() }),
      z.object({ text: z.string(), url: z.string() }),
    ]),
  ),
);

/** The reply's own buttons under the page buttons, on every page. */
export function pageKeyboard(
  id: string,
  index: number,
  count: number,
  locale: Locale,
  own: InlineButton[][] = [],
): InlineButton[][] {
  const turn: InlineButton[] = [];
  if (index > 0) turn.push({ text: adapterText(locale, 'pagePrevious'), callback_data: pageData(id, index - 1) });
  turn.push({ text: `${index + 1}/${count}`, callback_data: pageData(id, index) });
  if (index < count - 1) turn.push({ text: adapterText(locale, 'pageNext'), callback_data: pageData(id, index + 1) });
  return [turn, ...own];
}

/** The stored keyboard, or none when it cannot be read (the page is still shown, with its page buttons). */
export function readKeyboard(stored: string | undefined): InlineButton[][] {
  if (!stored) return [];
  try {
    const parsed = Keyboard.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/**
 * Several text messages become the first of their pages, the pages kept under a fresh id and under the member they
 * answer (whose erasure deletes them); one message, an answer with a picture or a file (sent as messages of their
 * own), or one whose member is unknown (nothing could erase its pages) is returned as it is.
 */
export async function onePage(
  messages: TelegramMessage[],
  store: ReplyPageStore,
  answer: { locale: Locale; requester?: PersonalScope | undefined },
  now: Date,
): Promise<TelegramMessage[]> {
  const { locale, requester } = answer;
  if (!requester || messages.length < 2 || messages.some((m) => m.kind !== 'text')) return messages;
  const texts = messages as Array<Extract<TelegramMessage, { kind: 'text' }>>;
  const own = texts.at(-1)?.keyboard;
  const id = randomBytes(9).toString('base64url');
  await store.keep(
    id,
    { pages: texts.map((m) => m.html), locale, requester, ...(own ? { keyboard: JSON.stringify(own) } : {}) },
    new Date(now.getTime() + PAGES_TTL_MS),
    now,
  );
  return [{ kind: 'text', html: texts[0]?.html ?? '', keyboard: pageKeyboard(id, 0, texts.length, locale, own) }];
}
