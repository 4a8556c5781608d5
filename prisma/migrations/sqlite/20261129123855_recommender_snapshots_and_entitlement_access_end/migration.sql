-- AlterTable
ALTER TABLE "Entitlement" ADD COLUMN "accessEndedAt" DATETIME;

-- CreateTable
CREATE TABLE "RecommenderSnapshot" (
    "communityId" TEXT NOT NULL PRIMARY KEY,
    "trainedAt" DATETIME NOT NULL,
    "modelId" TEXT NOT NULL,
    "blend" TEXT NOT NULL,
    "silhouette" REAL NOT NULL,
    "courses" INTEGER NOT NULL,
    "events" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "InterestGroup" (
    "communityId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "size" INTEGER NOT NULL,

    PRIMARY KEY ("communityId", "index"),
    CONSTRAINT "InterestGroup_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "RecommenderSnapshot" ("communityId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "InterestGroupMember" (
    "communityId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "groupIndex" INTEGER NOT NULL,

    PRIMARY KEY ("communityId", "memberId"),
    CONSTRAINT "InterestGroupMember_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "RecommenderSnapshot" ("communityId") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "InterestGroupMember_communityId_groupIndex_idx" ON "InterestGroupMember"("communityId", "groupIndex");

-- CreateIndex
CREATE INDEX "Entitlement_expiresAt_accessEndedAt_idx" ON "Entitlement"("expiresAt", "accessEndedAt");
