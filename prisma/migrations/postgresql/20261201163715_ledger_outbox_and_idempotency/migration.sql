-- AlterTable
ALTER TABLE "LedgerTransfer" ADD COLUMN     "erasedAt" TIMESTAMP(3),
ADD COLUMN     "requestHash" TEXT;

-- CreateTable
CREATE TABLE "LedgerAlertSetting" (
    "communityId" TEXT NOT NULL,
    "channelId" TEXT,
    "locale" TEXT,
    "alertedKey" TEXT,
    "alertedAt" TIMESTAMP(3),
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerAlertSetting_pkey" PRIMARY KEY ("communityId")
);

-- Hand-added: transfers made by members whose data was erased before erasure was recorded on the transfer (the
-- privacy erasure pseudonymises the member as forgotten-<alias>:<id> and deletes their own events). Their events
-- must stay gone, so they are marked and not backfilled below.
UPDATE "LedgerTransfer" SET "erasedAt" = CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
WHERE "erasedAt" IS NULL AND EXISTS (
  SELECT 1 FROM "Member" m
  WHERE m."id" = "LedgerTransfer"."actorId" AND m."platformUserId" LIKE 'forgotten-%' AND m."platformUserId" LIKE '%:' || m."id"
);

-- Hand-added: the interaction events effects lost before they were written in the effect's own transaction (an
-- outbox). Tips whose tip.sent went missing, and moderator grants and revokes, which had none. Keys as the ledger
-- writes them: tip:<id>, points:<id>.
INSERT INTO "InteractionEvent" ("id", "communityId", "actorId", "verb", "objectType", "objectId", "targetMemberId",
  "channelId", "platform", "occurredAt", "metadata", "dedupKey")
SELECT gen_random_uuid()::TEXT, t."communityId", t."actorId",
  CASE t."kind" WHEN 'tip' THEN 'tip.sent' WHEN 'grant' THEN 'points.granted' ELSE 'points.revoked' END,
  'transfer', t."id", CASE t."kind" WHEN 'revoke' THEN t."fromMemberId" ELSE t."toMemberId" END,
  NULL, c."platform", t."createdAt", jsonb_build_object('amount', t."amount"),
  CASE t."kind" WHEN 'tip' THEN 'tip:' ELSE 'points:' END || t."id"
FROM "LedgerTransfer" t JOIN "Community" c ON c."id" = t."communityId"
WHERE t."erasedAt" IS NULL AND NOT EXISTS (
  SELECT 1 FROM "InteractionEvent" e
  WHERE e."dedupKey" = (CASE t."kind" WHEN 'tip' THEN 'tip:' ELSE 'points:' END) || t."id"
);

-- Hand-added: a paid order's course.purchased event is keyed order:<id>:paid from now on: key the one already
-- written (the earliest, should there be two), then write it for paid orders that lost it (not for
-- members whose data was erased: their events went with it).
UPDATE "InteractionEvent" e SET "dedupKey" = 'order:' || (e."metadata"->>'orderId') || ':paid'
WHERE e."verb" = 'course.purchased' AND e."dedupKey" IS NULL AND e."metadata"->>'orderId' IS NOT NULL
  AND e."id" = (
    SELECT e2."id" FROM "InteractionEvent" e2
    WHERE e2."verb" = 'course.purchased' AND e2."metadata"->>'orderId' = e."metadata"->>'orderId'
    ORDER BY e2."occurredAt", e2."id" LIMIT 1
  );
INSERT INTO "InteractionEvent" ("id", "communityId", "actorId", "verb", "objectType", "objectId", "targetMemberId",
  "channelId", "platform", "occurredAt", "metadata", "dedupKey")
SELECT gen_random_uuid()::TEXT, o."communityId", o."memberId", 'course.purchased', 'course', o."courseId",
  co."creatorId", NULL, c."platform", COALESCE(o."decidedAt", o."createdAt"),
  jsonb_build_object('orderId', o."id", 'priceMinor', o."amountMinor", 'currency', o."currency"),
  'order:' || o."id" || ':paid'
FROM "CourseOrder" o
  JOIN "Community" c ON c."id" = o."communityId"
  LEFT JOIN "Course" co ON co."id" = o."courseId"
  JOIN "Member" m ON m."id" = o."memberId"
WHERE o."status" = 'paid'
  AND NOT (m."platformUserId" LIKE 'forgotten-%' AND m."platformUserId" LIKE '%:' || m."id")
  AND NOT EXISTS (SELECT 1 FROM "InteractionEvent" e WHERE e."dedupKey" = 'order:' || o."id" || ':paid');
