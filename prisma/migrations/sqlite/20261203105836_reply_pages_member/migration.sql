-- Pages kept before this migration name no member, so no erasure could reach them: they are dropped. They live at
-- most a day, and a page button on such an answer says the pages expired (the command can be run again).
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ReplyPages" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "pages" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);
DROP TABLE "ReplyPages";
ALTER TABLE "new_ReplyPages" RENAME TO "ReplyPages";
CREATE INDEX "ReplyPages_expiresAt_idx" ON "ReplyPages"("expiresAt");
CREATE INDEX "ReplyPages_communityId_memberId_idx" ON "ReplyPages"("communityId", "memberId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
