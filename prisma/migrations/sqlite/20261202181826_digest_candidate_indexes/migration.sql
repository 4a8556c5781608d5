-- DropIndex
DROP INDEX "ContentItem_communityId_dropReason_publishedAt_idx";

-- CreateIndex
CREATE INDEX "ContentItem_communityId_dropReason_publishedAt_sourceId_quality_language_guid_id_idx" ON "ContentItem"("communityId", "dropReason", "publishedAt", "sourceId", "quality", "language", "guid", "id");

-- CreateIndex
CREATE INDEX "ContentItem_duplicateOfId_idx" ON "ContentItem"("duplicateOfId");
