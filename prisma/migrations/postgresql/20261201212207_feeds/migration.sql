-- AlterTable
ALTER TABLE "ContentSource" ADD COLUMN     "channelId" TEXT,
ADD COLUMN     "delivery" TEXT NOT NULL DEFAULT 'digest',
ADD COLUMN     "failures" JSONB,
ADD COLUMN     "filter" TEXT,
ADD COLUMN     "instantSince" TIMESTAMP(3),
ADD COLUMN     "template" TEXT,
ADD COLUMN     "threadId" TEXT;

-- AlterTable
ALTER TABLE "ContentItem" ADD COLUMN     "author" TEXT,
ADD COLUMN     "categories" JSONB;
