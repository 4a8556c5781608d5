import type { Community, Course, Member } from '../domain/types.ts';

/**
 * The recommender as features see it. core/recommend implements it with the hybrid engine; another engine can take
 * its place behind these two ports without touching a command. Reasons are named for what a member is told, not for
 * the engine's internal signals.
 */
export type RecommendationReason =
  /** Like a course the member looked at, bought or enrolled in. */
  | { kind: 'similar'; to: Course }
  /** A topic the member follows (or the course's own topic when nothing better explains it). */
  | { kind: 'topic'; topic: string }
  /** Popular in the member's interest group, which these topics describe. */
  | { kind: 'group'; topics: string[] }
  /** Members with similar behaviour liked it. */
  | { kind: 'peers' }
  /** From a creator the member engages with. */
  | { kind: 'author' }
  | { kind: 'trending' }
  | { kind: 'popular' }
  /** New in the catalogue, on this topic. */
  | { kind: 'new'; topic: string }
  /** Nothing personal holds: a course on a topic the member has not explored yet. */
  | { kind: 'explore'; topic: string };

export interface CourseRecommendation {
  course: Course;
  score: number;
  reason: RecommendationReason;
}

export interface CourseMatch {
  course: Course;
  similarity: number;
}

/** What the recommender needs to know about a community. */
export type RecommendScope = Pick<Community, 'id' | 'timezone'>;

export interface CourseRecommender {
  /** The content model behind course and query vectors, for explanations. */
  readonly modelId: string;
  recommend(
    community: RecommendScope,
    member: Member,
    options?: { topic?: string; k?: number },
  ): Promise<CourseRecommendation[]>;
  /** Semantic search over the catalogue, best first. */
  search(community: RecommendScope, query: string, k?: number): Promise<CourseMatch[]>;
  /** Topics the catalogue knows. */
  knownTopics(community: RecommendScope): Promise<string[]>;
  /** Retrains now; the figures a reply shows. */
  retrain(community: RecommendScope): Promise<{ courses: number; groups: number }>;
  /** Why `recommend` came back empty for this member, from their own data (never "you have it all" untrue). */
  whyEmpty(community: RecommendScope, member: Member, topic?: string): Promise<EmptyReason>;
}

/**
 * `owned`: every course that fits is theirs; `dismissed`: the rest were marked not interested; `blocked`: the topic
 * is one they removed from their interests; `own`: the courses that fit are their own; `none`: nothing fits yet.
 */
export type EmptyReason = 'owned' | 'dismissed' | 'blocked' | 'own' | 'none';

/**
 * A member's profile from behaviour and sentiment: decayed topic weights (with the member's own corrections pinned
 * or blocked), preferred language, active hours and the sentiment of what they write about each topic.
 */
export interface MemberProfile {
  memberId: string;
  /** Best first, weights summing to 1 over what is shown. */
  topics: { topic: string; weight: number; pinned: boolean }[];
  blocked: string[];
  language: 'zh' | 'en' | null;
  /** Hours of the day (community time zone), most active first. */
  activeHours: number[];
  /** Mean sentiment in [−1, 1] of the member's messages per topic, with how many messages it rests on. */
  sentiment: { topic: string; score: number; messages: number }[];
  tipsGiven: number;
  tipsReceived: number;
  interactions: number;
  groupLabel: string[] | null;
}

export interface InterestGroups {
  /** Largest first. `index` is the group's stable number (0-based): retrains keep it while its members stay. */
  groups: { index?: number; label: string[]; size: number }[];
  silhouette: number;
  trainedAt: Date;
}

export interface MemberProfiles {
  profile(community: RecommendScope, member: Member): Promise<MemberProfile>;
  groups(community: RecommendScope): Promise<InterestGroups>;
}
