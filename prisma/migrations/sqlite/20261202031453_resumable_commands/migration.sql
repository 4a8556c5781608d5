-- CreateTable
CREATE TABLE "ResumableCommand" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "platform" TEXT NOT NULL,
    "resume" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ResumableCommand_platform_createdAt_idx" ON "ResumableCommand"("platform", "createdAt");
