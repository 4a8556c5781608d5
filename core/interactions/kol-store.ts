import type { LeaderboardWindow, WhyFacts } from './leaderboard.ts';

/**
 * Storage port of leaderboard snapshots and opt-outs. Snapshots are precomputed (PageRank over a whole community is
 * not a per-request job); reading the top of one is an index range scan, which keeps /leaderboard fast at 100k members.
 */

export interface SnapshotEntry {
  memberId: string;
  /** 1-based, dense over the stored entries. */
  rank: number;
  /** 0..100. */
  score: number;
  facts: WhyFacts;
}

export interface LeaderboardSnapshot {
  communityId: string;
  window: LeaderboardWindow;
  /** '' for the whole community. */
  topic: string;
  computedAt: Date;
  entries: SnapshotEntry[];
}

export interface KolStore {
  setOptOut(communityId: string, memberId: string, optedOut: boolean, at: Date): Promise<void>;
  optedOut(communityId: string): Promise<Set<string>>;
  /** Replaces the previous snapshot of the same (community, window, topic) atomically. */
  saveSnapshot(snapshot: LeaderboardSnapshot): Promise<void>;
  /**
   * The best `limit` entries of the latest snapshot after skipping `offset` of them, opted-out members skipped at read
   * time (before the offset counts); null when none exists. Stored ranks may then have gaps: the reader renumbers.
   */
  top(
    communityId: string,
    window: LeaderboardWindow,
    topic: string,
    limit: number,
    offset?: number,
  ): Promise<{ computedAt: Date; entries: SnapshotEntry[] } | null>;
}
