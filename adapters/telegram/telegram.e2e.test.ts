import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/errors.ts';
import { silentLogger } from '../../core/ports/logger.ts';
import {
  FAKE_BOT,
  type FakeTelegram,
  type FakeTelegramUser,
  startFakeTelegram,
  type TelegramCall,
  telegramUpdates,
} from '../../test/fakes/telegram.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { startTelegram, type TelegramAdapter } from './adapter.ts';
import { decodeCommand, deliveryIdOf, TelegramUpdate } from './decode.ts';
import { resumeRecord } from './resume.ts';

/** The real telegraf, long polling a fake Bot API on 127.0.0.1, in front of the real dispatcher and database. */
const CHAT = { id: -100_777, title: 'Cohort Telegram' };
const alice: FakeTelegramUser = { id: 4201, first_name: 'alice', username: 'alice', language_code: 'en' };
const bob: FakeTelegramUser = { id: 4202, first_name: 'bob', username: 'bob', language_code: 'en' };
const owner: FakeTelegramUser = { id: 4203, first_name: 'owner', username: 'owner' };

const text = (call: TelegramCall) => String(call.payload.text ?? '');

describe('Telegram adapter end to end (polling)', () => {
  let app: TestApp;
  let fake: FakeTelegram;
  let adapter: TelegramAdapter;

  /** Sends a command as `from` and waits for the bot's reply to that message. */
  async function say(from: FakeTelegramUser, line: string, redeliver = false): Promise<TelegramCall> {
    const id = fake.nextUpdateId();
    fake.push(telegramUpdates.command(id, CHAT, from, line));
    if (redeliver) fake.push(telegramUpdates.command(id, CHAT, from, line), true);
    return fake.waitForCall(
      (c) =>
        c.method === 'sendMessage' &&
        !c.failedWith &&
        (c.payload.reply_parameters as { message_id?: number })?.message_id === id,
      `reply to ${line}`,
    );
  }

  /** The platform's community, once core has created it on first contact. */
  async function communityId(): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const community = (await app.services.communities.list()).find((c) => c.platform === 'telegram');
      if (community) return community.id;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('no telegram community yet');
  }

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeTelegram();
    fake.setAdministrators(CHAT.id, [{ user: owner, status: 'creator' }]);
    adapter = await startTelegram(
      app.core,
      { token: fake.token, apiRoot: fake.apiRoot, clock: app.clock, rateLimit: { maxWaitMs: 2_000 } },
      silentLogger,
    );
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  it('registers the command menu in English and Chinese', () => {
    const menus = fake.calls.filter((c) => c.method === 'setMyCommands');
    expect(menus).toHaveLength(2);
    const en = menus.find((m) => !m.payload.language_code)?.payload.commands as Array<{
      command: string;
      description: string;
    }>;
    const zh = menus.find((m) => m.payload.language_code === 'zh')?.payload.commands as typeof en;
    expect(en.find((c) => c.command === 'help')?.description).toBe('List the commands you can use');
    expect(zh.find((c) => c.command === 'help')?.description).toBe('列出你可以使用的命令');
    // Multi-word commands register under their first word.
    expect(en.map((c) => c.command)).toEqual(expect.arrayContaining(['tip', 'digest', 'role']));
    expect(en.every((c) => /^[a-z0-9_]{1,32}$/.test(c.command))).toBe(true);
  });

  it('answers /help as HTML in the chat, as a reply to the command', async () => {
    const reply = await say(alice, '/help');
    expect(reply.payload.chat_id).toBe(String(CHAT.id));
    expect(reply.payload.parse_mode).toBe('HTML');
    expect(text(reply)).toContain('<b>Commands you can use</b>');
    // Usage text is escaped: `<command…>` must not reach Telegram as a tag.
    expect(text(reply)).toContain('/tip &lt;member&gt; &lt;amount&gt;');
    expect(text(reply)).not.toContain('<member>');
  });

  it('runs a command with options, addressed to the bot by name', async () => {
    const reply = await say(alice, '/help@cohort_test_bot tip');
    expect(text(reply)).toContain('Usage');
    expect(text(reply)).toContain('Give a member some of your points as thanks');
  });

  it('resolves an @mention option to the member and answers a tip', async () => {
    await say(bob, '/balance');
    const reply = await say(alice, '/tip @bob 5 thanks');
    expect(text(reply)).toContain('You gave 5 points to bob');
  });

  it('keeps no record of a command once it is answered', async () => {
    await say(alice, '/help');
    await app.core.drain(); // the reply reaches Telegram before the delivery is marked answered
    expect(await app.db.prisma.resumableCommand.count()).toBe(0);
  });

  it('answers, once its lease is over, a command a killed poller claimed, though Telegram handed it out again', async () => {
    // The poller before this one claimed update N, kept its record and was killed before answering. Telegram never
    // saw it ask for the updates after N, so it hands N out again: the dead run's lease (2 minutes) still holds, and
    // asking for the next updates confirms N. Before the record, N was lost here.
    const id = fake.nextUpdateId();
    const update = telegramUpdates.command(id, CHAT, alice, '/help tip');
    const envelope = decodeCommand(TelegramUpdate.parse(update), FAKE_BOT.username);
    if (!envelope) throw new Error('not a command');
    const now = app.clock.now();
    const key = `telegram:cmd:${deliveryIdOf(id)}`;
    expect(await app.services.deliveries.claim(key, now, new Date(now.getTime() + 120_000))).toBe('first');
    const target = { chatId: String(CHAT.id), replyTo: id };
    const resume = resumeRecord(envelope, 'supergroup', target);
    const owner = { spaceId: envelope.space.platformId, userId: envelope.user.platformUserId, command: '/help tip' };
    await app.services.deliveries.keepResumable({ key, platform: 'telegram', resume, ...owner }, now);
    const answers = () =>
      fake.calls.filter(
        (c) => c.method === 'sendMessage' && (c.payload.reply_parameters as { message_id?: number })?.message_id === id,
      );

    fake.push(update);
    await say(bob, '/balance'); // the update after it: N has been handled (and confirmed) by now
    expect(answers()).toHaveLength(0);
    expect(await adapter.sweepAbandoned()).toBe(0); // the lease still holds: the dead run might yet be alive
    app.clock.advance(121_000);
    expect(await adapter.sweepAbandoned()).toBe(1);
    expect(answers()).toHaveLength(1);
    expect(text(answers()[0] as TelegramCall)).toContain('Usage');
    // Answered once: no record is left, a later sweep or the same update again adds nothing.
    await app.core.drain();
    expect(await app.db.prisma.resumableCommand.count()).toBe(0);
    expect(await adapter.sweepAbandoned()).toBe(0);
    fake.push(update, true);
    await say(bob, '/balance');
    expect(answers()).toHaveLength(1);
  });

  it('runs a button press as the member who pressed it', async () => {
    const id = fake.nextUpdateId();
    fake.push(telegramUpdates.callback(id, CHAT, bob, '/balance'));
    await fake.waitForCall(
      (c) => c.method === 'answerCallbackQuery' && c.payload.callback_query_id === `cb${id}`,
      'ack',
    );
    const replies = await fake.waitForCalls(
      (c) => c.method === 'sendMessage' && /Balance<\/b>: 5\b/.test(text(c)),
      1,
      'balance',
    );
    expect(text(replies[0] as TelegramCall)).toContain('Your points');
  });

  it('records a reaction as an interaction event credited to the message author', async () => {
    const messageId = fake.nextUpdateId();
    fake.push(telegramUpdates.message(messageId, CHAT, bob, 'a useful link'));
    fake.push(telegramUpdates.reaction(fake.nextUpdateId(), CHAT, alice, messageId, ['👍'], []));
    const cid = await communityId();
    const events = await waitForEvents(app, cid, 'reaction.added', 1);
    const members = await app.services.members.list(cid);
    const byId = new Map(members.map((m) => [m.id, m.handle]));
    expect(byId.get(events[0]?.actorId ?? '')).toBe('alice');
    expect(byId.get(events[0]?.targetMemberId ?? '')).toBe('bob');
    expect(events[0]?.metadata).toEqual({ emoji: '👍' });
    const posted = await app.services.events.query({ communityId: cid, verbs: ['message.posted'] });
    expect(posted.some((e) => e.objectId === `${CHAT.id}:${messageId}`)).toBe(true);
  });

  it('handles an update delivered twice once', async () => {
    await say(alice, '/help');
    const cid = await communityId();
    const balanceUses = async () =>
      (await app.services.events.query({ communityId: cid, verbs: ['command.used'] })).filter(
        (e) => e.objectId === 'balance',
      ).length;
    const usedBefore = await balanceUses();
    const before = fake.calls.filter((c) => c.method === 'sendMessage').length;
    await say(alice, '/balance', true);
    // Once core has settled both deliveries, one more round trip flushes any answer still on its way.
    await app.core.drain();
    await say(alice, '/help tip');
    const after = fake.calls.filter((c) => c.method === 'sendMessage').length;
    expect(after - before).toBe(2);
    expect((await balanceUses()) - usedBefore).toBe(1);
  });

  it('refuses a command above the member’s role and lets the chat creator run it', async () => {
    const refused = await say(alice, '/role set @bob moderator');
    expect(text(refused)).toContain('/role set is for admins and above; you are a member.');
    const allowed = await say(owner, '/role set @bob moderator');
    expect(text(allowed)).toContain('bob is now a moderator.');
    expect(fake.calls.some((c) => c.method === 'getChatAdministrators')).toBe(true);
  });

  it('shows "typing…" before a slow command answers', async () => {
    const reply = await say(alice, '/leaderboard');
    const index = fake.calls.indexOf(reply);
    const typing = fake.calls.findIndex((c) => c.method === 'sendChatAction' && c.payload.action === 'typing');
    expect(typing).toBeGreaterThanOrEqual(0);
    expect(typing).toBeLessThan(index);
  });

  it('sends a member a direct message in their private chat', async () => {
    const before = fake.calls.length;
    await adapter.messenger.direct!(
      { platform: 'telegram', spaceId: String(CHAT.id), platformUserId: '4242' },
      { text: 'Your free trial of “Club” ends on Dec 1.' },
    );
    const sent = fake.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(sent).toHaveLength(1);
    expect(String(sent[0]!.payload.chat_id)).toBe('4242');
    expect(text(sent[0]!)).toContain('free trial');
  });

  it('edits a one-message post in place with editMessageText, and declines to edit one that needs several', async () => {
    const target = { platform: 'telegram' as const, spaceId: String(CHAT.id), channelId: String(CHAT.id) };
    const { messageId } = await adapter.messenger.post(target, {
      text: 'Digest awaiting approval: 2 items',
      buttons: [{ label: 'Approve', action: '/digest approve run-1' }],
    });
    const before = fake.calls.length;
    const request = {
      text: 'Digest awaiting approval: 3 items',
      buttons: [{ label: 'Approve', action: '/digest approve run-2' }],
    };
    expect(await adapter.messenger.edit!(target, messageId, request)).toBe(true);
    const [edit] = fake.calls.slice(before).filter((c) => c.method === 'editMessageText');
    expect(edit?.payload).toMatchObject({
      chat_id: String(CHAT.id),
      message_id: Number(messageId),
      parse_mode: 'HTML',
    });
    expect(text(edit!)).toContain('3 items');
    expect(JSON.stringify(edit!.payload.reply_markup)).toContain('run-2');
    // The same words again: Telegram says "not modified", and the post is already as asked.
    expect(await adapter.messenger.edit!(target, messageId, request)).toBe(true);

    const long = { text: 'z'.repeat(5_000) };
    const calls = fake.calls.length;
    expect(await adapter.messenger.edit!(target, messageId, long)).toBe(false);
    expect(fake.calls.slice(calls).filter((c) => c.method === 'editMessageText')).toHaveLength(0);
    await expect(adapter.messenger.edit!(target, '1', request)).rejects.toMatchObject({
      code: 'TELEGRAM_REFUSED',
      details: { status: 400, route: 'editMessageText' },
    });
  });

  it('splits an over-long post under 4096 characters, keeping order and the keyboard on the last part', async () => {
    const items = Array.from({ length: 80 }, (_, i) => ({
      title: `Item ${i} <b>&`,
      description: `${'lorem ipsum '.repeat(8)}${i}`,
      url: `https://example.com/${i}`,
    }));
    const before = fake.calls.length;
    await adapter.messenger.post(
      { platform: 'telegram', spaceId: String(CHAT.id), channelId: String(CHAT.id) },
      { title: 'Weekly digest', text: 'z'.repeat(5_000), items, buttons: [{ label: 'More', action: '/digest' }] },
    );
    const sent = fake.calls.slice(before).filter((c) => c.method === 'sendMessage');
    expect(sent.length).toBeGreaterThan(2);
    for (const call of sent) expect(text(call).length).toBeLessThanOrEqual(4096);
    const all = sent.map(text).join('\n');
    expect(all.match(/z/g)?.length).toBe(5_000);
    const positions = items.map((_, i) => all.indexOf(`Item ${i} &lt;b&gt;&amp;</a>`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(sent.filter((c) => c.payload.reply_markup)).toEqual([sent.at(-1)]);
  });

  it('uploads an image as a photo with its caption', async () => {
    await adapter.messenger.post(
      { platform: 'telegram', spaceId: String(CHAT.id), channelId: String(CHAT.id) },
      {
        text: 'Weekly chart',
        image: {
          png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]),
          filename: 'chart.png',
          alt: 'Points <by> week',
        },
      },
    );
    const photo = await fake.waitForCall((c) => c.method === 'sendPhoto', 'sendPhoto');
    expect(photo.payload).toMatchObject({
      chat_id: String(CHAT.id),
      caption: 'Points &lt;by&gt; week',
      photo: { filename: 'chart.png', bytes: 8 },
    });
  });

  it('waits out a 429 with retry_after and delivers the message', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const reply = await say(bob, '/help tip');
    expect(text(reply)).toContain('Usage');
    const target = JSON.stringify(reply.payload.reply_parameters);
    const attempts = fake.calls.filter(
      (c) => c.method === 'sendMessage' && JSON.stringify(c.payload.reply_parameters) === target,
    );
    expect(attempts.map((c) => c.failedWith)).toEqual([429, undefined]);
  });

  it('sends /privacy export from a group to the member privately as a document, telling the group', async () => {
    const notice = await say(alice, '/privacy export');
    expect(notice.payload.chat_id).toBe(String(CHAT.id));
    expect(text(notice)).toContain('private message');
    const document = await fake.waitForCall((c) => c.method === 'sendDocument', 'the export document');
    expect(document.payload.chat_id).toBe(String(alice.id));
    const file = document.payload.document as { filename: string; data: Buffer };
    expect(file.filename).toMatch(/^cohort-data-.+-2026-11-20\.json$/);
    const exported = JSON.parse(file.data.toString('utf8')) as { sections: object };
    expect(Object.keys(exported.sections).length).toBeGreaterThan(0);
    // The export's own text went privately too, never to the group.
    const privately = fake.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === String(alice.id));
    expect(privately.map(text).join('\n')).toContain('everything Cohort keeps about you');
  });

  it('tells the member politely when the bot cannot message them privately', async () => {
    fake.failNext('sendMessage', {
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    const notice = await say(bob, '/privacy export');
    expect(text(notice)).toContain('Open a chat with @cohort_test_bot, press Start');
    expect(fake.calls.some((c) => c.method === 'sendDocument' && c.payload.chat_id === String(bob.id))).toBe(false);
  });

  describe('course access', () => {
    const COURSE_CHAT = '-100888';
    const target = {
      platform: 'telegram' as const,
      spaceId: String(CHAT.id),
      platformUserId: String(bob.id),
      roleId: 'ignored-role',
      channelId: COURSE_CHAT,
    };

    it('sends the member a single-use invite link to the course chat privately', async () => {
      const before = fake.calls.length;
      await adapter.access.grant(target);
      const calls = fake.calls.slice(before);
      expect(calls.map((c) => c.method)).toEqual(['unbanChatMember', 'createChatInviteLink', 'sendMessage']);
      expect(calls[1]?.payload).toMatchObject({ chat_id: COURSE_CHAT, member_limit: 1 });
      expect(calls[2]?.payload.chat_id).toBe(String(bob.id));
      expect(text(calls[2] as TelegramCall)).toMatch(/https:\/\/t\.me\/\+fakeInvite\d+/);
    });

    it('removes the member with a ban lifted at once', async () => {
      const before = fake.calls.length;
      await adapter.access.revoke(target);
      const calls = fake.calls.slice(before);
      expect(calls.map((c) => c.method)).toEqual(['banChatMember', 'unbanChatMember']);
      expect(calls[0]?.payload).toMatchObject({ chat_id: COURSE_CHAT, user_id: bob.id });
      expect(calls[1]?.payload).toMatchObject({ chat_id: COURSE_CHAT, user_id: bob.id, only_if_banned: true });
    });

    it('unlocks a paid course end to end: /course access and /course grant invite, the end removes', async () => {
      app.access.register('telegram', adapter.access);
      await say(bob, '/balance');
      const added = await say(owner, '/course add "Paper Club" 30 subscription USD ai');
      const course = /#([a-z0-9]{8})/.exec(text(added))?.[1];
      expect(course).toBeDefined();
      await say(owner, `/course access ${course} channel:-100999 days:30`);
      const before = fake.calls.length;
      const granted = await say(owner, `/course grant @bob ${course}`);
      expect(text(granted)).toContain('Paper Club');
      const invite = fake.calls
        .slice(before)
        .find((c) => c.method === 'sendMessage' && c.payload.chat_id === String(bob.id));
      expect(text(invite as TelegramCall)).toMatch(/t\.me\/\+fakeInvite/);
      expect(fake.calls.slice(before).find((c) => c.method === 'createChatInviteLink')?.payload).toMatchObject({
        chat_id: '-100999',
        member_limit: 1,
      });

      app.clock.advance(31 * 86_400_000);
      const revoking = fake.calls.length;
      expect(await app.services.commerce?.endExpiredAccess(app.clock.now())).toBe(1);
      expect(fake.calls.slice(revoking).map((c) => `${c.method} ${c.payload.chat_id} ${c.payload.user_id}`)).toEqual([
        `banChatMember -100999 ${bob.id}`,
        `unbanChatMember -100999 ${bob.id}`,
      ]);
    });

    it('surfaces a refused call (403) as a PlatformError with status and route', async () => {
      fake.failNext('createChatInviteLink', {
        error_code: 403,
        description: 'Forbidden: bot is not a member of the chat',
      });
      const refused = await adapter.access.grant(target).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PlatformError);
      expect(refused).toMatchObject({
        code: 'ACCESS_FORBIDDEN',
        details: { platform: 'telegram', status: 403, route: 'createChatInviteLink' },
      });
    });
  });
});

describe('Telegram adapter end to end (webhook)', () => {
  let app: TestApp;
  let fake: FakeTelegram;
  let adapter: TelegramAdapter;
  const SECRET = 'hook-secret-123';
  const refusals: Array<{ listener: string; status: number }> = [];

  beforeAll(async () => {
    app = await createTestApp();
    fake = await startFakeTelegram();
    adapter = await startTelegram(
      app.core,
      {
        token: fake.token,
        apiRoot: fake.apiRoot,
        clock: app.clock,
        registerCommands: false,
        webhook: {
          domain: 'bot.example.test',
          path: '/telegram',
          secretToken: SECRET,
          port: 0,
          host: '127.0.0.1',
          onRefused: (r) => refusals.push(r),
        },
      },
      silentLogger,
    );
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await app?.dispose();
  });

  /** Posts as Telegram does, and, as Telegram does, carries out a Bot API call given as the 200 answer's body. */
  const post = async (update: unknown, secret?: string) => {
    const response = await fetch(`http://127.0.0.1:${adapter.webhookAddress?.port}/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(update),
    });
    const body = await response.text();
    const call = response.status === 200 && body ? (JSON.parse(body) as { method?: string }) : null;
    if (call?.method) {
      const { method, ...payload } = call;
      await fetch(`${fake.apiRoot}/bot${fake.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
    }
    return response;
  };

  it('registers the webhook with its secret token', () => {
    const set = fake.calls.find((c) => c.method === 'setWebhook');
    expect(set?.payload).toMatchObject({ url: 'https://bot.example.test/telegram', secret_token: SECRET });
  });

  it('refuses updates without the secret token and answers the genuine one once', async () => {
    const update = telegramUpdates.command(9_001, CHAT, alice, '/help tip');
    expect((await post(update)).status).toBe(403);
    expect((await post(update, 'wrong-secret')).status).toBe(403);
    expect(fake.calls.some((c) => c.method === 'sendMessage')).toBe(false);
    expect(refusals).toEqual([
      { listener: 'telegram-webhook', status: 403 },
      { listener: 'telegram-webhook', status: 403 },
    ]);
    expect((await post(update, SECRET)).status).toBe(200);
    // Telegram retries a webhook delivery it thinks failed: same update_id, answered once.
    expect((await post(update, SECRET)).status).toBe(200);
    const replies = fake.calls.filter((c) => c.method === 'sendMessage');
    expect(replies).toHaveLength(1);
    expect(text(replies[0] as TelegramCall)).toContain('Usage');
    expect(refusals).toHaveLength(2);
  });

  it('asks Telegram to redeliver later while a crashed run holds the lease, then answers once it ran out', async () => {
    // A process claimed update 9003 and died mid-command: its lease (2 minutes) still holds the delivery.
    const now = app.clock.now();
    const key = `telegram:cmd:${deliveryIdOf(9_003)}`;
    expect(await app.services.deliveries.claim(key, now, new Date(now.getTime() + 120_000))).toBe('first');
    const update = telegramUpdates.command(9_003, CHAT, alice, '/help tip');
    const replies = () => fake.calls.filter((c) => c.method === 'sendMessage' && c.payload.reply_parameters);
    const before = replies().length;
    const early = await post(update, SECRET);
    expect(early.status).toBe(503);
    expect(replies()).toHaveLength(before);
    app.clock.advance(121_000);
    expect((await post(update, SECRET)).status).toBe(200);
    expect(replies()).toHaveLength(before + 1);
    expect((await post(update, SECRET)).status).toBe(200); // answered now: a plain duplicate
    expect(replies()).toHaveLength(before + 1);
  });

  it('refuses a body that is not a JSON object, with the right secret, and processes nothing', async () => {
    const before = fake.calls.length;
    const response = await fetch(`http://127.0.0.1:${adapter.webhookAddress?.port}/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: '{"update_id": 9002, "message":',
    });
    expect(response.status).toBe(400);
    expect(refusals.at(-1)).toEqual({ listener: 'telegram-webhook', status: 400 });
    expect(fake.calls.length).toBe(before);
  });
});

async function waitForEvents(app: TestApp, communityId: string, verb: 'reaction.added', count: number) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const events = await app.services.events.query({ communityId, verbs: [verb] });
    if (events.length >= count) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${verb} event recorded`);
}
