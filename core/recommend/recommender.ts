import type { Community, Member } from '../domain/types.ts';
import type {
  CourseMatch,
  CourseRecommendation,
  CourseRecommender,
  EmptyReason,
  InterestGroups,
  MemberProfile,
  MemberProfiles,
  RecommendationReason,
  RecommendScope,
} from '../ports/recommender.ts';
import type { Recommendation, RecommendService } from './service.ts';

/**
 * The hybrid engine behind the recommender ports. Its own signal names (item-kNN, ALS, trends…) stay here: what
 * leaves is a reason a member can be told.
 */
export class EngineRecommender implements CourseRecommender, MemberProfiles {
  constructor(private readonly service: RecommendService) {}

  get modelId(): string {
    return this.service.modelId;
  }

  async recommend(
    community: RecommendScope,
    member: Member,
    options: { topic?: string; k?: number } = {},
  ): Promise<CourseRecommendation[]> {
    const picks = await this.service.recommend(community, member, options);
    return picks.map((pick) => ({ course: pick.course, score: pick.score, reason: reasonOf(pick) }));
  }

  search(community: RecommendScope, query: string, k?: number): Promise<CourseMatch[]> {
    return this.service.search(community, query, k);
  }

  knownTopics(community: RecommendScope): Promise<string[]> {
    return this.service.knownTopics(community);
  }

  /** Waits for the retrains in progress (at shutdown). */
  settle(): Promise<void> {
    return this.service.settle();
  }

  retrain(community: RecommendScope): Promise<{ courses: number; groups: number }> {
    return this.service.retrainNow(community);
  }

  whyEmpty(community: RecommendScope, member: Member, topic?: string): Promise<EmptyReason> {
    return this.service.whyEmpty(community, member, topic);
  }

  /** The scheduled retrain of every community the engine has seen. */
  retrainAll(): Promise<void> {
    return this.service.retrainAll();
  }

  profile(community: Pick<Community, 'id' | 'timezone'>, member: Member): Promise<MemberProfile> {
    return this.service.profile(community, member);
  }

  groups(community: RecommendScope): Promise<InterestGroups> {
    return this.service.groups(community);
  }
}

/** The engine's strongest signal, as the reason shown under a pick. */
export function reasonOf(pick: Recommendation): RecommendationReason {
  const { reason, course } = pick;
  const topic = reason.topic ?? course.tags[0] ?? '';
  switch (reason.signal) {
    case 'itemKnn':
    case 'content':
      return pick.becauseOf ? { kind: 'similar', to: pick.becauseOf } : { kind: 'topic', topic };
    case 'topic':
      return { kind: 'topic', topic };
    case 'group':
      return pick.groupLabel.length > 0 ? { kind: 'group', topics: pick.groupLabel } : { kind: 'popular' };
    case 'cf':
    case 'peers':
      return { kind: 'peers' };
    case 'author':
      return { kind: 'author' };
    case 'trendShort':
    case 'trendLong':
    case 'lastActive':
    case 'justActive':
      return { kind: 'trending' };
    case 'popularity':
      return { kind: 'popular' };
    case 'explore':
      return { kind: 'explore', topic };
    default:
      return { kind: 'new', topic };
  }
}
