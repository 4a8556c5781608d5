import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('privacy: export and forget', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('exports everything kept about the member as a file', async () => {
    const turn = await app.console.run('@bob /privacy export');
    expect(turn?.status).toBe('ok');
    const file = turn!.reply!.file!;
    expect(file.filename).toMatch(/^cohort-data-bob-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(new TextDecoder().decode(file.data));
    expect(data.member.handle).toBe('bob');
    expect(data.sections.events.length).toBeGreaterThan(5);
    expect(data.sections.events.every((e: { verb: string }) => typeof e.verb === 'string')).toBe(true);
    const savedPath = /→ (\S+\.json)/.exec(turn!.output)?.[1];
    expect(JSON.parse(readFileSync(savedPath!, 'utf8')).member.handle).toBe('bob');
  });

  it('asks for confirmation, then erases the member’s trail and identity', async () => {
    const community = app.demoCommunityId!;
    const bob = (await app.services.members.findByHandle(community, 'bob'))!;
    const ask = await app.console.run('@bob /privacy forget');
    expect(ask?.output).toContain('cannot be undone');
    expect((await app.services.events.query({ communityId: community, actorId: bob.id })).length).toBeGreaterThan(0);

    const done = await app.console.run('!1');
    expect(done?.output).toContain('Your data in this community has been erased');
    expect(await app.services.events.query({ communityId: community, actorId: bob.id })).toEqual([]);
    const events = await app.services.events.query({ communityId: community });
    expect(events.some((e) => e.targetMemberId === bob.id)).toBe(false);
    const tombstone = (await app.services.members.get(bob.id))!;
    expect(tombstone.handle).toMatch(/^forgotten-/);
    expect(tombstone.displayName).not.toContain('Bob');
    expect(await app.services.members.findByHandle(community, 'bob')).toBeNull();
  });

  it('lets an admin erase a member on request, and nobody else', async () => {
    expect((await app.console.run('@alice /privacy erase @maya'))?.status).toBe('PERMISSION_DENIED');
    const turn = await app.console.run('@admin /privacy erase @maya');
    expect(turn?.output).toContain('Maya’s data has been erased');
  });

  it('gives stable, irreversible pseudonyms for analytics', () => {
    const a = app.services.privacy!.pseudonym('member-1');
    expect(a).toMatch(/^m_[0-9a-f]{12}$/);
    expect(app.services.privacy!.pseudonym('member-1')).toBe(a);
    expect(app.services.privacy!.pseudonym('member-2')).not.toBe(a);
  });
});
