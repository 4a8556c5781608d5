-- AlterTable
ALTER TABLE "Entitlement" ADD COLUMN     "accessEndedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "RecommenderSnapshot" (
    "communityId" TEXT NOT NULL,
    "trainedAt" TIMESTAMP(3) NOT NULL,
    "modelId" TEXT NOT NULL,
    "blend" TEXT NOT NULL,
    "silhouette" DOUBLE PRECISION NOT NULL,
    "courses" INTEGER NOT NULL,
    "events" INTEGER NOT NULL,

    CONSTRAINT "RecommenderSnapshot_pkey" PRIMARY KEY ("communityId")
);

-- CreateTable
CREATE TABLE "InterestGroup" (
    "communityId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "size" INTEGER NOT NULL,

    CONSTRAINT "InterestGroup_pkey" PRIMARY KEY ("communityId","index")
);

-- CreateTable
CREATE TABLE "InterestGroupMember" (
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "groupIndex" INTEGER NOT NULL,

    CONSTRAINT "InterestGroupMember_pkey" PRIMARY KEY ("communityId","memberId")
);

-- CreateIndex
CREATE INDEX "InterestGroupMember_communityId_groupIndex_idx" ON "InterestGroupMember"("communityId", "groupIndex");

-- CreateIndex
CREATE INDEX "Entitlement_expiresAt_accessEndedAt_idx" ON "Entitlement"("expiresAt", "accessEndedAt");

-- AddForeignKey
ALTER TABLE "InterestGroup" ADD CONSTRAINT "InterestGroup_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "RecommenderSnapshot"("communityId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InterestGroupMember" ADD CONSTRAINT "InterestGroupMember_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "RecommenderSnapshot"("communityId") ON DELETE CASCADE ON UPDATE CASCADE;
