-- AlterTable
ALTER TABLE "ContentItem" ADD COLUMN "author" TEXT;
ALTER TABLE "ContentItem" ADD COLUMN "categories" JSONB;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ContentSource" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "topics" JSONB NOT NULL,
    "intervalMs" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabledReason" TEXT,
    "etag" TEXT,
    "lastModified" TEXT,
    "lastFetchedAt" DATETIME,
    "nextFetchAt" DATETIME NOT NULL,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "noticeChannelId" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "filter" TEXT,
    "delivery" TEXT NOT NULL DEFAULT 'digest',
    "channelId" TEXT,
    "threadId" TEXT,
    "template" TEXT,
    "instantSince" DATETIME,
    "failures" JSONB
);
INSERT INTO "new_ContentSource" ("communityId", "consecutiveFailures", "createdAt", "createdById", "disabledReason", "enabled", "etag", "id", "intervalMs", "kind", "lastError", "lastFetchedAt", "lastModified", "nextFetchAt", "noticeChannelId", "title", "topics", "url") SELECT "communityId", "consecutiveFailures", "createdAt", "createdById", "disabledReason", "enabled", "etag", "id", "intervalMs", "kind", "lastError", "lastFetchedAt", "lastModified", "nextFetchAt", "noticeChannelId", "title", "topics", "url" FROM "ContentSource";
DROP TABLE "ContentSource";
ALTER TABLE "new_ContentSource" RENAME TO "ContentSource";
CREATE INDEX "ContentSource_enabled_nextFetchAt_idx" ON "ContentSource"("enabled", "nextFetchAt");
CREATE UNIQUE INDEX "ContentSource_communityId_url_key" ON "ContentSource"("communityId", "url");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
