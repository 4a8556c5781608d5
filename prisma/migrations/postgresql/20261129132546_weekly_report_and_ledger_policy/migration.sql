-- CreateTable
CREATE TABLE "WeeklyReportSetting" (
    "communityId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "locale" TEXT,
    "enabledAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WeeklyReportSetting_pkey" PRIMARY KEY ("communityId")
);

-- CreateTable
CREATE TABLE "WeeklyReportRun" (
    "communityId" TEXT NOT NULL,
    "slotAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "claimedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "messageId" TEXT,
    "error" TEXT,

    CONSTRAINT "WeeklyReportRun_pkey" PRIMARY KEY ("communityId","slotAt")
);

-- CreateTable
CREATE TABLE "LedgerPolicySetting" (
    "communityId" TEXT NOT NULL,
    "dailyAllowance" INTEGER,
    "dailySendCap" INTEGER,
    "pairCooldownMs" INTEGER,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LedgerPolicySetting_pkey" PRIMARY KEY ("communityId")
);
