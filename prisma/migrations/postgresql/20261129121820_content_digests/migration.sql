-- CreateTable
CREATE TABLE "ContentSource" (
    "id" TEXT NOT NULL,
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
    "lastFetchedAt" TIMESTAMP(3),
    "nextFetchAt" TIMESTAMP(3) NOT NULL,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "noticeChannelId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentSource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ContentItem" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "guid" TEXT NOT NULL,
    "url" TEXT,
    "canonicalUrl" TEXT,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,
    "quality" DOUBLE PRECISION NOT NULL,
    "sentiment" DOUBLE PRECISION NOT NULL,
    "topics" JSONB NOT NULL,
    "embedding" BYTEA,
    "dropReason" TEXT,
    "duplicateOfId" TEXT,
    "reactions" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ContentItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestSchedule" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "topics" JSONB NOT NULL,
    "minScore" DOUBLE PRECISION NOT NULL,
    "maxItems" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "requiresApproval" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "scheduleId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "slotAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL,
    "postedAt" TIMESTAMP(3),
    "messageId" TEXT,
    "itemIds" JSONB NOT NULL,
    "decisions" JSONB NOT NULL,
    "reply" JSONB,
    "error" TEXT,

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestDelivery" (
    "communityId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "runId" TEXT,
    "deliveredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestDelivery_pkey" PRIMARY KEY ("communityId","channelId","itemId")
);

-- CreateIndex
CREATE INDEX "ContentSource_enabled_nextFetchAt_idx" ON "ContentSource"("enabled", "nextFetchAt");

-- CreateIndex
CREATE UNIQUE INDEX "ContentSource_communityId_url_key" ON "ContentSource"("communityId", "url");

-- CreateIndex
CREATE INDEX "ContentItem_communityId_canonicalUrl_idx" ON "ContentItem"("communityId", "canonicalUrl");

-- CreateIndex
CREATE INDEX "ContentItem_communityId_contentHash_idx" ON "ContentItem"("communityId", "contentHash");

-- CreateIndex
CREATE INDEX "ContentItem_communityId_dropReason_publishedAt_idx" ON "ContentItem"("communityId", "dropReason", "publishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ContentItem_sourceId_guid_key" ON "ContentItem"("sourceId", "guid");

-- CreateIndex
CREATE INDEX "DigestSchedule_communityId_idx" ON "DigestSchedule"("communityId");

-- CreateIndex
CREATE INDEX "DigestRun_communityId_slotAt_idx" ON "DigestRun"("communityId", "slotAt");

-- CreateIndex
CREATE UNIQUE INDEX "DigestRun_scheduleId_slotAt_key" ON "DigestRun"("scheduleId", "slotAt");

-- CreateIndex
CREATE INDEX "DigestDelivery_communityId_itemId_idx" ON "DigestDelivery"("communityId", "itemId");
