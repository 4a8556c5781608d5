-- CreateTable
CREATE TABLE "WeeklyReportSetting" (
    "communityId" TEXT NOT NULL PRIMARY KEY,
    "channelId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "locale" TEXT,
    "enabledAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WeeklyReportRun" (
    "communityId" TEXT NOT NULL,
    "slotAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "claimedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "messageId" TEXT,
    "error" TEXT,

    PRIMARY KEY ("communityId", "slotAt")
);

-- CreateTable
CREATE TABLE "LedgerPolicySetting" (
    "communityId" TEXT NOT NULL PRIMARY KEY,
    "dailyAllowance" INTEGER,
    "dailySendCap" INTEGER,
    "pairCooldownMs" INTEGER,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
