/**
 * Which courses are off sale (archived: withdrawn, or their creator was erased). Commerce knows it; the recommender
 * asks, so a course nobody can buy any more is never suggested. Owners keep what they have either way.
 */
export interface CourseAvailability {
  /** Ids of the community's archived courses. */
  archivedCourseIds(communityId: string): Promise<ReadonlySet<string>>;
}
