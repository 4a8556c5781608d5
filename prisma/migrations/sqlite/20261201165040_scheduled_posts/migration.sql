-- CreateTable
CREATE TABLE "ScheduledPost" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "job" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "slotAt" DATETIME NOT NULL,
    "communityId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "owner" TEXT,
    "leaseUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "nonce" TEXT NOT NULL,
    "messageId" TEXT,
    "error" TEXT,
    "claimedAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "finishedAt" DATETIME
);

-- CreateIndex
CREATE INDEX "ScheduledPost_owner_idx" ON "ScheduledPost"("owner");

-- CreateIndex
CREATE INDEX "ScheduledPost_communityId_idx" ON "ScheduledPost"("communityId");

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledPost_job_subject_slotAt_key" ON "ScheduledPost"("job", "subject", "slotAt");

-- Backfill: every slot already claimed keeps its outcome, so no digest or weekly report is posted again after the
-- upgrade. Posts made before nonces existed carry none, and a slot left claimed is unconfirmed (looked up, then retried
-- within its window).
INSERT INTO "ScheduledPost" ("id", "job", "subject", "slotAt", "communityId", "channelId", "status", "owner", "leaseUntil", "attempts", "nonce", "messageId", "error", "claimedAt", "sentAt", "finishedAt")
SELECT 'digest-' || "id", 'digest', "scheduleId", "slotAt", "communityId", "channelId",
       CASE "status" WHEN 'posted' THEN 'posted' WHEN 'awaiting_approval' THEN 'posted' WHEN 'rejected' THEN 'posted'
                     WHEN 'empty' THEN 'skipped' WHEN 'failed' THEN 'failed' ELSE 'unconfirmed' END,
       NULL, NULL, 1, 'legacy-' || "id", "messageId", "error", "claimedAt", "postedAt", "postedAt"
FROM "DigestRun";

INSERT INTO "ScheduledPost" ("id", "job", "subject", "slotAt", "communityId", "channelId", "status", "owner", "leaseUntil", "attempts", "nonce", "messageId", "error", "claimedAt", "sentAt", "finishedAt")
SELECT 'weekly-report-' || "communityId" || '-' || "slotAt", 'weekly-report', "communityId", "slotAt", "communityId", "channelId",
       CASE "status" WHEN 'posted' THEN 'posted' WHEN 'failed' THEN 'failed' ELSE 'unconfirmed' END,
       NULL, NULL, 1, 'legacy-weekly-report', "messageId", "error", "claimedAt", NULL, "finishedAt"
FROM "WeeklyReportRun";

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "WeeklyReportRun";
PRAGMA foreign_keys=on;
