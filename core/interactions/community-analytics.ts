import { UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import type { InteractionEvent } from '../domain/types.ts';
import { seededRandom } from '../ports/random.ts';
import { dayKey } from './community-day.ts';
import { DEFAULT_EDGE_WEIGHTS, EDGE_KIND_OF_VERB } from './interaction-graph.ts';
import { eventTopics } from './leaderboard.ts';

/**
 * Moderator analytics over the event log: who is active, new, returning or drifting away; what people talk about;
 * which conversation groups exist (Louvain modularity communities) and who bridges them.
 */

export interface CommunityStatsInput {
  /** Events from at least `4 * periodDays` before `now` (earlier history only sharpens "returning"). */
  events: readonly InteractionEvent[];
  now: Date;
  periodDays: number;
  timeZone: string;
  /** joinedAt per member, for members known to the caller; members not listed count as joined long ago. */
  joinedAt?: ReadonlyMap<string, Date>;
  seed?: number;
}

export interface ConversationGroup {
  memberIds: string[];
}

export interface BridgeMember {
  memberId: string;
  /** Groups this member has interactions with, their own included. */
  groups: number;
  /** Share of their interaction weight that crosses into other groups. */
  outsideShare: number;
}

export interface CommunityStats {
  periodDays: number;
  active: number;
  new: number;
  /** Active now, silent in the previous period, active before it. */
  returning: number;
  /** Active in the previous period, silent now. */
  churning: number;
  churningIds: string[];
  topTopics: { topic: string; count: number }[];
  groups: ConversationGroup[];
  modularity: number;
  bridges: BridgeMember[];
  /** Distinct active members per community-local day, oldest first, over the last `4 * periodDays` days. */
  dailyActive: { day: string; active: number }[];
}

const DAY_MS = 86_400_000;

// The package is CommonJS with an ESM-style `export default` in its types: at run time the default import is the
// function itself, while TypeScript (NodeNext) sees the module namespace. Take whichever holds the function.
type Louvain = typeof import('graphology-communities-louvain').default;
const louvain = ((louvainModule as unknown as { default?: Louvain }).default ?? louvainModule) as unknown as Louvain;

export function communityStats(input: CommunityStatsInput): CommunityStats {
  const { now, periodDays } = input;
  const periodMs = periodDays * DAY_MS;
  const t0 = now.getTime() - periodMs;
  const t1 = t0 - periodMs;
  const current = new Set<string>();
  const previous = new Set<string>();
  const earlier = new Set<string>();
  const joinedNow = new Set<string>();
  const topics = new Map<string, number>();
  const perDay = new Map<string, Set<string>>();
  const chartStart = now.getTime() - 4 * periodMs;

  for (const e of input.events) {
    const at = e.occurredAt.getTime();
    if (at > now.getTime()) continue;
    if (e.verb === 'member.joined' && at >= t0) joinedNow.add(e.actorId);
    // Leaving is not activity.
    if (e.verb === 'member.left') continue;
    if (at >= t0) current.add(e.actorId);
    else if (at >= t1) previous.add(e.actorId);
    else earlier.add(e.actorId);
    if (at >= t0 && e.verb === 'message.posted') {
      for (const topic of new Set(eventTopics(e))) topics.set(topic, (topics.get(topic) ?? 0) + 1);
    }
    if (at >= chartStart) {
      const day = dayKey(e.occurredAt, input.timeZone);
      let set = perDay.get(day);
      if (!set) {
        set = new Set();
        perDay.set(day, set);
      }
      set.add(e.actorId);
    }
  }
  for (const [id, joined] of input.joinedAt ?? []) if (joined.getTime() >= t0 && current.has(id)) joinedNow.add(id);

  let returning = 0;
  for (const id of current) if (!previous.has(id) && earlier.has(id) && !joinedNow.has(id)) returning++;
  const churningIds = [...previous].filter((id) => !current.has(id)).sort();

  const dailyActive: { day: string; active: number }[] = [];
  for (let at = chartStart + DAY_MS; at <= now.getTime(); at += DAY_MS) {
    const day = dayKey(new Date(at), input.timeZone);
    if (dailyActive.at(-1)?.day !== day) dailyActive.push({ day, active: perDay.get(day)?.size ?? 0 });
  }

  const { groups, modularity, bridges } = conversationGroups(
    input.events.filter((e) => e.occurredAt.getTime() >= t1 && e.occurredAt.getTime() <= now.getTime()),
    input.seed ?? 1,
  );
  return {
    periodDays,
    active: current.size,
    new: joinedNow.size,
    returning,
    churning: churningIds.length,
    churningIds,
    topTopics: [...topics]
      .map(([topic, count]) => ({ topic, count }))
      .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic))
      .slice(0, 5),
    groups,
    modularity,
    bridges,
    dailyActive,
  };
}

/** Louvain over the undirected interaction graph; bridges are members whose ties span several groups. */
export function conversationGroups(
  events: readonly InteractionEvent[],
  seed: number,
): { groups: ConversationGroup[]; modularity: number; bridges: BridgeMember[] } {
  const graph = new UndirectedGraph<Record<string, unknown>, { weight: number }>({ allowSelfLoops: false });
  for (const e of events) {
    const kind = EDGE_KIND_OF_VERB[e.verb];
    const target = e.targetMemberId;
    if (!kind || !target || target === e.actorId) continue;
    graph.mergeNode(e.actorId);
    graph.mergeNode(target);
    const w = DEFAULT_EDGE_WEIGHTS[kind];
    graph.updateEdge(e.actorId, target, (attr) => ({ weight: (attr.weight ?? 0) + w }));
  }
  if (graph.size === 0) return { groups: [], modularity: 0, bridges: [] };
  const detailed = louvain.detailed(graph, { getEdgeWeight: 'weight', rng: seededRandom(seed) });
  const byGroup = new Map<number, string[]>();
  for (const [node, group] of Object.entries(detailed.communities)) {
    const list = byGroup.get(group) ?? [];
    list.push(node);
    byGroup.set(group, list);
  }
  const strength = (node: string) => {
    let s = 0;
    graph.forEachEdge(node, (_edge, attr) => {
      s += attr.weight;
    });
    return s;
  };
  const groups = [...byGroup.values()]
    .map((memberIds) => ({ memberIds: memberIds.sort((a, b) => strength(b) - strength(a) || (a < b ? -1 : 1)) }))
    .sort((a, b) => b.memberIds.length - a.memberIds.length || (a.memberIds[0]! < b.memberIds[0]! ? -1 : 1));

  const bridges: BridgeMember[] = [];
  graph.forEachNode((node) => {
    const own = detailed.communities[node];
    const touched = new Set<number>([own as number]);
    let outside = 0;
    let total = 0;
    graph.forEachNeighbor(node, (neighbour) => {
      const w = graph.getEdgeAttribute(node, neighbour, 'weight');
      const group = detailed.communities[neighbour] as number;
      touched.add(group);
      total += w;
      if (group !== own) outside += w;
    });
    if (touched.size >= 2)
      bridges.push({ memberId: node, groups: touched.size, outsideShare: total ? outside / total : 0 });
  });
  bridges.sort((a, b) => b.groups - a.groups || b.outsideShare - a.outsideShare || (a.memberId < b.memberId ? -1 : 1));
  return { groups, modularity: detailed.modularity, bridges: bridges.slice(0, 5) };
}
