-- CreateTable
CREATE TABLE "ContentQualityInput" (
    "itemId" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "baseQuality" REAL NOT NULL,
    "features" JSONB NOT NULL,
    "publishedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CommunityQualityLayer" (
    "communityId" TEXT NOT NULL PRIMARY KEY,
    "state" JSONB NOT NULL,
    "trainedAt" DATETIME NOT NULL,
    "examples" INTEGER NOT NULL
);

-- CreateIndex
CREATE INDEX "ContentQualityInput_communityId_publishedAt_idx" ON "ContentQualityInput"("communityId", "publishedAt");
