/**
 * Storage port for what a retrain learned (adapters/storage/recommend-snapshot-store.ts implements it on Prisma).
 * A restart warm-starts the blend from it, and /groups can show the groups before the first retrain.
 */
export interface StoredBlend {
  features: string[];
  weights: number[];
  mean: number[];
  std: number[];
}

export interface StoredSnapshot {
  communityId: string;
  trainedAt: Date;
  modelId: string;
  blend: StoredBlend;
  silhouette: number;
  courses: number;
  events: number;
  groups: { index: number; label: string[]; size: number }[];
  /** memberId → group index. */
  membership: Map<string, number>;
}

export interface RecommenderSnapshotStore {
  /** Replaces the community's snapshot atomically. */
  save(snapshot: StoredSnapshot): Promise<void>;
  load(communityId: string): Promise<StoredSnapshot | null>;
}
