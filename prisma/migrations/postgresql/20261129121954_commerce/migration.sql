-- CreateTable
CREATE TABLE "CourseOrder" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "paymentModel" TEXT NOT NULL,
    "requestKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "decidedById" TEXT,

    CONSTRAINT "CourseOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Entitlement" (
    "id" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "orderId" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Entitlement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CourseAccess" (
    "courseId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "unlockRoleId" TEXT,
    "unlockChannelId" TEXT,
    "periodDays" INTEGER NOT NULL DEFAULT 30,

    CONSTRAINT "CourseAccess_pkey" PRIMARY KEY ("courseId")
);

-- CreateIndex
CREATE INDEX "CourseOrder_communityId_status_createdAt_idx" ON "CourseOrder"("communityId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "CourseOrder_communityId_memberId_idx" ON "CourseOrder"("communityId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "CourseOrder_communityId_requestKey_key" ON "CourseOrder"("communityId", "requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "Entitlement_orderId_key" ON "Entitlement"("orderId");

-- CreateIndex
CREATE INDEX "Entitlement_communityId_memberId_idx" ON "Entitlement"("communityId", "memberId");

-- CreateIndex
CREATE INDEX "Entitlement_communityId_courseId_idx" ON "Entitlement"("communityId", "courseId");
