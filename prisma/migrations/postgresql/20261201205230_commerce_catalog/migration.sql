-- AlterTable
ALTER TABLE "CourseOrder" ADD COLUMN     "couponId" TEXT,
ADD COLUMN     "discountMinor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "promotionId" TEXT;

-- AlterTable
ALTER TABLE "Entitlement" ADD COLUMN     "holdKey" TEXT;

-- AlterTable
ALTER TABLE "CourseAccess" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "pointsCapPercent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pointsPerUnit" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "trialDays" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "unlockLevel" INTEGER;

-- CreateTable
CREATE TABLE "CourseCoupon" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "creatorId" TEXT,
    "courseId" TEXT,
    "kind" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "currency" TEXT,
    "expiresAt" TIMESTAMP(3),
    "maxUses" INTEGER,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "firstPurchaseOnly" BOOLEAN NOT NULL DEFAULT false,
    "memberId" TEXT,
    "sourceKey" TEXT,
    "pointsSpent" INTEGER NOT NULL DEFAULT 0,
    "fundedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CourseCoupon_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromoChannel" (
    "communityId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "weeklyQuota" INTEGER NOT NULL DEFAULT 2,
    "needsApproval" BOOLEAN NOT NULL DEFAULT false,
    "allowedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PromoChannel_pkey" PRIMARY KEY ("communityId","channelId")
);

-- CreateTable
CREATE TABLE "CoursePromotion" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "creatorId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "decidedById" TEXT,

    CONSTRAINT "CoursePromotion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberNotice" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberNotice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LevelSettings" (
    "communityId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "updatedById" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LevelSettings_pkey" PRIMARY KEY ("communityId")
);

-- CreateTable
CREATE TABLE "LevelReward" (
    "communityId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "roleId" TEXT,
    "courseId" TEXT,

    CONSTRAINT "LevelReward_pkey" PRIMARY KEY ("communityId","level")
);

-- CreateTable
CREATE TABLE "MemberLevel" (
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "pointsEarned" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberLevel_pkey" PRIMARY KEY ("communityId","memberId")
);

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
