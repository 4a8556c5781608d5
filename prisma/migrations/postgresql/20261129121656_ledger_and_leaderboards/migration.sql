-- CreateTable
CREATE TABLE "LeaderboardOptOut" (
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LeaderboardOptOut_pkey" PRIMARY KEY ("communityId","memberId")
);

-- CreateTable
CREATE TABLE "LeaderboardSnapshot" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "window" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LeaderboardSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeaderboardEntry" (
    "snapshotId" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "memberId" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "facts" TEXT NOT NULL,

    CONSTRAINT "LeaderboardEntry_pkey" PRIMARY KEY ("snapshotId","rank")
);

-- CreateTable
CREATE TABLE "LedgerAccount" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "memberId" TEXT,
    "balance" INTEGER NOT NULL DEFAULT 0,
    "day" TEXT NOT NULL DEFAULT '',
    "allowanceUsed" INTEGER NOT NULL DEFAULT 0,
    "sentToday" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerAccount_pkey" PRIMARY KEY ("id"),
    -- Hand-added: the database itself refuses an overdrawn member account (the mint has no cached balance).
    CONSTRAINT "LedgerAccount_member_balance_check" CHECK ("key" = 'mint' OR "balance" >= 0)
);

-- CreateTable
CREATE TABLE "LedgerTransfer" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fromMemberId" TEXT,
    "toMemberId" TEXT,
    "amount" INTEGER NOT NULL,
    "fromAllowance" INTEGER NOT NULL DEFAULT 0,
    "reason" TEXT,
    "actorId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerTransfer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerPosting" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "transferId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,

    CONSTRAINT "LedgerPosting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerTipPair" (
    "communityId" TEXT NOT NULL,
    "fromMemberId" TEXT NOT NULL,
    "toMemberId" TEXT NOT NULL,
    "lastTipAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerTipPair_pkey" PRIMARY KEY ("communityId","fromMemberId","toMemberId")
);

-- CreateTable
CREATE TABLE "LedgerAudit" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "transferId" TEXT NOT NULL,
    "moderatorId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerAudit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerFlag" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "memberIds" TEXT NOT NULL,
    "transferId" TEXT NOT NULL,
    "dedupKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerFlag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LeaderboardSnapshot_communityId_window_topic_key" ON "LeaderboardSnapshot"("communityId", "window", "topic");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerAccount_communityId_key_key" ON "LedgerAccount"("communityId", "key");

-- CreateIndex
CREATE INDEX "LedgerTransfer_communityId_fromMemberId_createdAt_idx" ON "LedgerTransfer"("communityId", "fromMemberId", "createdAt");

-- CreateIndex
CREATE INDEX "LedgerTransfer_communityId_toMemberId_createdAt_idx" ON "LedgerTransfer"("communityId", "toMemberId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerTransfer_communityId_idempotencyKey_key" ON "LedgerTransfer"("communityId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "LedgerPosting_accountId_idx" ON "LedgerPosting"("accountId");

-- CreateIndex
CREATE INDEX "LedgerPosting_communityId_idx" ON "LedgerPosting"("communityId");

-- CreateIndex
CREATE INDEX "LedgerPosting_transferId_idx" ON "LedgerPosting"("transferId");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerAudit_transferId_key" ON "LedgerAudit"("transferId");

-- CreateIndex
CREATE INDEX "LedgerAudit_communityId_createdAt_idx" ON "LedgerAudit"("communityId", "createdAt");

-- CreateIndex
CREATE INDEX "LedgerFlag_communityId_createdAt_idx" ON "LedgerFlag"("communityId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerFlag_communityId_dedupKey_key" ON "LedgerFlag"("communityId", "dedupKey");

-- AddForeignKey
ALTER TABLE "LeaderboardEntry" ADD CONSTRAINT "LeaderboardEntry_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "LeaderboardSnapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerPosting" ADD CONSTRAINT "LedgerPosting_transferId_fkey" FOREIGN KEY ("transferId") REFERENCES "LedgerTransfer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerPosting" ADD CONSTRAINT "LedgerPosting_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "LedgerAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerAudit" ADD CONSTRAINT "LedgerAudit_transferId_fkey" FOREIGN KEY ("transferId") REFERENCES "LedgerTransfer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
