-- CreateIndex
CREATE INDEX "Course_communityId_updatedAt_idx" ON "Course"("communityId", "updatedAt");
