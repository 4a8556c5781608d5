-- A record now names whose command it is, so /privacy forget and community removal find it (ADR 0018). Records kept
-- before this migration (commands in flight during the deploy, minutes old) name them only inside the adapter's JSON:
-- every adapter's record carries the decoded envelope under `envelope`, so they are read from there. A record whose
-- JSON does not read gets empty ones: the sweep drops it as unreadable, as it did before. Their command stays null
-- (shown as such in an export), as on PostgreSQL.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ResumableCommand" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "command" TEXT,
    "resume" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_ResumableCommand" ("createdAt", "key", "platform", "resume", "spaceId", "userId", "command")
SELECT "createdAt", "key", "platform", "resume",
    COALESCE(CASE WHEN json_valid("resume") THEN CAST(json_extract("resume", '$.envelope.space.platformId') AS TEXT) END, ''),
    COALESCE(CASE WHEN json_valid("resume") THEN CAST(json_extract("resume", '$.envelope.user.platformUserId') AS TEXT) END, ''),
    NULL
FROM "ResumableCommand";
DROP TABLE "ResumableCommand";
ALTER TABLE "new_ResumableCommand" RENAME TO "ResumableCommand";
CREATE INDEX "ResumableCommand_platform_createdAt_idx" ON "ResumableCommand"("platform", "createdAt");
CREATE INDEX "ResumableCommand_platform_spaceId_userId_idx" ON "ResumableCommand"("platform", "spaceId", "userId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
