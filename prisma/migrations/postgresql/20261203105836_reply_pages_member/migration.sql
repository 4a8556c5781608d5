-- Pages kept before this migration name no member, so no erasure could reach them: they are dropped. They live at
-- most a day, and a page button on such an answer says the pages expired (the command can be run again).
DELETE FROM "ReplyPages";

-- AlterTable
ALTER TABLE "ReplyPages" ADD COLUMN     "communityId" TEXT NOT NULL,
ADD COLUMN     "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "memberId" TEXT NOT NULL;

-- CreateIndex
CREATE INDEX "ReplyPages_communityId_memberId_idx" ON "ReplyPages"("communityId", "memberId");
