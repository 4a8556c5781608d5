-- CreateTable
CREATE TABLE "ContentQualityInput" (
    "itemId" TEXT NOT NULL,
    "communityId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "baseQuality" DOUBLE PRECISION NOT NULL,
    "features" JSONB NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ContentQualityInput_pkey" PRIMARY KEY ("itemId")
);

-- CreateTable
CREATE TABLE "CommunityQualityLayer" (
    "communityId" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "trainedAt" TIMESTAMP(3) NOT NULL,
    "examples" INTEGER NOT NULL,

    CONSTRAINT "CommunityQualityLayer_pkey" PRIMARY KEY ("communityId")
);

-- CreateIndex
CREATE INDEX "ContentQualityInput_communityId_publishedAt_idx" ON "ContentQualityInput"("communityId", "publishedAt");
