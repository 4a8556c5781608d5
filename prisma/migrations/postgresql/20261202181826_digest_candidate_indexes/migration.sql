-- DropIndex
DROP INDEX "ContentItem_communityId_dropReason_publishedAt_idx";

-- CreateIndex
CREATE INDEX "ContentItem_communityId_dropReason_publishedAt_sourceId_qua_idx" ON "ContentItem"("communityId", "dropReason", "publishedAt", "sourceId", "quality", "language", "guid", "id");

-- CreateIndex
CREATE INDEX "ContentItem_duplicateOfId_idx" ON "ContentItem"("duplicateOfId");
