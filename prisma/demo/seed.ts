import type { Community, Course, Member, NewInteractionEvent } from '../../core/domain/types.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { type Random, seededRandom } from '../../core/ports/random.ts';
import type { CommunityStore, CourseStore, EventStore, MemberStore } from '../../core/ports/stores.ts';
import { demoCourses, demoTopics } from './courses.ts';
import { type DemoMember, demoMembers } from './members.ts';
import { demoMessages, demoSearches } from './messages.ts';

export const DEMO_PLATFORM_ID = 'demo';
const DAY = 86_400_000;

export interface DemoStores {
  communities: CommunityStore;
  members: MemberStore;
  courses: CourseStore;
  events: EventStore;
}

export interface DemoSeedResult {
  community: Community;
  members: Member[];
  courses: Course[];
  events: number;
}

const pick = <T>(rnd: Random, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

/**
 * Builds the embedded demo community: members with roles, ~20 courses, and ~60 days of believable behaviour
 * (posts, replies, reactions, searches, course views, enrolments, purchases) generated from a seed, so every
 * run of the sandbox, and every test, sees the same history relative to its clock.
 */
export async function seedDemoCommunity(
  stores: DemoStores,
  options: { clock: Clock; seed: number },
): Promise<DemoSeedResult> {
  const rnd = seededRandom(options.seed);
  const now = options.clock.now().getTime();
  const community = await stores.communities.ensure('console', DEMO_PLATFORM_ID, { name: 'Cohort Demo Community' });
  await stores.communities.update(community.id, { timezone: 'Asia/Shanghai' });

  const members: Member[] = [];
  for (const m of demoMembers) {
    let member = await stores.members.ensure(community.id, {
      platformUserId: m.handle,
      handle: m.handle,
      displayName: m.displayName,
      locale: m.locale,
      joinedAt: new Date(now - m.joinedDaysAgo * DAY),
    });
    if (m.role !== 'member') member = await stores.members.setRole(member.id, m.role);
    members.push(member);
  }
  const byHandle = new Map(members.map((m) => [m.handle, m]));
  const creator = byHandle.get('creator') ?? null;

  const courses: Course[] = [];
  for (const c of demoCourses) {
    courses.push(
      await stores.courses.create({
        communityId: community.id,
        creatorId: c.byCreator ? (creator?.id ?? null) : null,
        title: c.title,
        description: c.description,
        tags: c.tags,
        language: c.language,
        priceMinor: c.priceMinor,
        currency: c.currency,
        paymentModel: c.paymentModel,
        url: null,
        createdAt: new Date(now - c.ageDays * DAY),
      }),
    );
  }

  const events: NewInteractionEvent[] = [];
  const base = { communityId: community.id, platform: 'console' as const, channelId: null, targetMemberId: null };
  const postsByTopic = new Map<string, { id: string; authorId: string }[]>();
  let seq = 0;
  const coursesFor = (topic: string, before: number) =>
    courses.filter((c) => c.createdAt.getTime() < before && c.tags.some((t) => (demoTopics[topic] ?? []).includes(t)));

  const active = demoMembers.filter((m) => m.activity > 0);
  const steps = 420;
  for (let i = 0; i < steps; i++) {
    // Time runs forward through the last 60 days, so replies follow the posts they answer.
    const at = now - 60 * DAY + Math.floor(((i + rnd()) / steps) * 60 * DAY);
    const demo = weightedMember(rnd, active);
    const actor = byHandle.get(demo.handle) as Member;
    const topic = pick(rnd, demo.interests);
    const lang = demo.locale === 'zh-CN' ? 'zh' : 'en';
    const roll = rnd();
    const occurredAt = new Date(at);
    const key = `demo:${options.seed}:${seq++}`;
    if (roll < 0.3) {
      const text = pick(rnd, demoMessages[topic]?.[lang] ?? ['hello']);
      const id = `msg-${seq}`;
      events.push({
        ...base,
        actorId: actor.id,
        verb: 'message.posted',
        objectType: 'message',
        objectId: id,
        occurredAt,
        metadata: { text, topic, lang },
        dedupKey: key,
      });
      postsByTopic.set(topic, [...(postsByTopic.get(topic) ?? []), { id, authorId: actor.id }]);
    } else if (roll < 0.5) {
      const post = pickOther(rnd, postsByTopic.get(topic) ?? [], actor.id);
      if (!post) continue;
      const verb = rnd() < 0.5 ? 'message.replied' : 'reaction.added';
      const metadata =
        verb === 'reaction.added'
          ? { emoji: pick(rnd, ['👍', '❤️', '🎉', '🙏']), topic }
          : { text: pick(rnd, demoMessages[topic]?.[lang] ?? ['+1']), topic, lang };
      events.push({
        ...base,
        actorId: actor.id,
        verb,
        objectType: 'message',
        objectId: post.id,
        targetMemberId: post.authorId,
        occurredAt,
        metadata,
        dedupKey: key,
      });
    } else if (roll < 0.6) {
      events.push({
        ...base,
        actorId: actor.id,
        verb: 'search.performed',
        objectType: 'query',
        objectId: topic,
        occurredAt,
        metadata: { query: pick(rnd, demoSearches[topic]?.[lang] ?? [topic]) },
        dedupKey: key,
      });
    } else {
      const available = coursesFor(topic, at);
      if (available.length === 0) continue;
      const course = pick(rnd, available);
      const r = rnd();
      const verb = r < 0.7 ? 'course.viewed' : r < 0.88 ? 'course.enrolled' : 'course.purchased';
      const metadata = verb === 'course.purchased' ? { priceMinor: course.priceMinor, currency: course.currency } : {};
      events.push({
        ...base,
        actorId: actor.id,
        verb,
        objectType: 'course',
        objectId: course.id,
        occurredAt,
        metadata,
        dedupKey: key,
      });
    }
  }
  const written = await stores.events.appendMany(events);
  return { community, members, courses, events: written };
}

function weightedMember(rnd: Random, members: DemoMember[]): DemoMember {
  const total = members.reduce((s, m) => s + m.activity, 0);
  let r = rnd() * total;
  for (const m of members) {
    r -= m.activity;
    if (r <= 0) return m;
  }
  return members[members.length - 1] as DemoMember;
}

function pickOther<T extends { authorId: string }>(rnd: Random, list: T[], notAuthor: string): T | undefined {
  const recent = list.slice(-6).filter((p) => p.authorId !== notAuthor);
  return recent.length ? pick(rnd, recent) : undefined;
}
