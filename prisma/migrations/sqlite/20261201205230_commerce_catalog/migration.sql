-- AlterTable
ALTER TABLE "Entitlement" ADD COLUMN "holdKey" TEXT;

-- CreateTable
CREATE TABLE "CourseCoupon" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "creatorId" TEXT,
    "courseId" TEXT,
    "kind" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "currency" TEXT,
    "expiresAt" DATETIME,
    "maxUses" INTEGER,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "firstPurchaseOnly" BOOLEAN NOT NULL DEFAULT false,
    "memberId" TEXT,
    "sourceKey" TEXT,
    "pointsSpent" INTEGER NOT NULL DEFAULT 0,
    "fundedAt" DATETIME,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PromoChannel" (
    "communityId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "weeklyQuota" INTEGER NOT NULL DEFAULT 2,
    "needsApproval" BOOLEAN NOT NULL DEFAULT false,
    "allowedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("communityId", "channelId")
);

-- CreateTable
CREATE TABLE "CoursePromotion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "creatorId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedById" TEXT
);

-- CreateTable
CREATE TABLE "MemberNotice" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LevelSettings" (
    "communityId" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "updatedById" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "LevelReward" (
    "communityId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "roleId" TEXT,
    "courseId" TEXT,

    PRIMARY KEY ("communityId", "level")
);

-- CreateTable
CREATE TABLE "MemberLevel" (
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "pointsEarned" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("communityId", "memberId")
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CourseOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "amountMinor" INTEGER NOT NULL,
    "discountMinor" INTEGER NOT NULL DEFAULT 0,
    "couponId" TEXT,
    "promotionId" TEXT,
    "currency" TEXT NOT NULL,
    "paymentModel" TEXT NOT NULL,
    "requestKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedById" TEXT
);
INSERT INTO "new_CourseOrder" ("amountMinor", "communityId", "courseId", "createdAt", "currency", "decidedAt", "decidedById", "id", "memberId", "paymentModel", "requestKey", "status") SELECT "amountMinor", "communityId", "courseId", "createdAt", "currency", "decidedAt", "decidedById", "id", "memberId", "paymentModel", "requestKey", "status" FROM "CourseOrder";
DROP TABLE "CourseOrder";
ALTER TABLE "new_CourseOrder" RENAME TO "CourseOrder";
CREATE INDEX "CourseOrder_communityId_status_createdAt_idx" ON "CourseOrder"("communityId", "status", "createdAt");
CREATE INDEX "CourseOrder_communityId_memberId_idx" ON "CourseOrder"("communityId", "memberId");
CREATE UNIQUE INDEX "CourseOrder_communityId_requestKey_key" ON "CourseOrder"("communityId", "requestKey");
CREATE TABLE "new_CourseAccess" (
    "courseId" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "unlockRoleId" TEXT,
    "unlockChannelId" TEXT,
    "periodDays" INTEGER NOT NULL DEFAULT 30,
    "trialDays" INTEGER NOT NULL DEFAULT 0,
    "pointsPerUnit" INTEGER NOT NULL DEFAULT 0,
    "pointsCapPercent" INTEGER NOT NULL DEFAULT 0,
    "unlockLevel" INTEGER,
    "archivedAt" DATETIME
);
INSERT INTO "new_CourseAccess" ("communityId", "courseId", "periodDays", "unlockChannelId", "unlockRoleId") SELECT "communityId", "courseId", "periodDays", "unlockChannelId", "unlockRoleId" FROM "CourseAccess";
DROP TABLE "CourseAccess";
ALTER TABLE "new_CourseAccess" RENAME TO "CourseAccess";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "CourseCoupon_communityId_code_key" ON "CourseCoupon"("communityId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "CourseCoupon_communityId_sourceKey_key" ON "CourseCoupon"("communityId", "sourceKey");

-- CreateIndex
CREATE INDEX "CoursePromotion_communityId_channelId_creatorId_requestedAt_idx" ON "CoursePromotion"("communityId", "channelId", "creatorId", "requestedAt");

-- CreateIndex
CREATE INDEX "CoursePromotion_communityId_courseId_requestedAt_idx" ON "CoursePromotion"("communityId", "courseId", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "MemberNotice_key_key" ON "MemberNotice"("key");

-- CreateIndex
CREATE INDEX "MemberNotice_sentAt_dueAt_idx" ON "MemberNotice"("sentAt", "dueAt");

-- CreateIndex
CREATE INDEX "MemberNotice_communityId_memberId_idx" ON "MemberNotice"("communityId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "Entitlement_holdKey_key" ON "Entitlement"("holdKey");
