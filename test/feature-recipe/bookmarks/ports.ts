/** A member's saved link. */
export interface Bookmark {
  communityId: string;
  memberId: string;
  url: string;
  title: string;
  savedAt: Date;
}

/** The toy feature's store port: in the feature's folder, named XStore; its implementation lives with storage. */
export interface BookmarkStore {
  add(bookmark: Bookmark): Promise<void>;
  list(communityId: string, memberId: string): Promise<Bookmark[]>;
  /** Deletes a member's bookmarks; returns how many. */
  removeAll(communityId: string, memberId: string): Promise<number>;
}
