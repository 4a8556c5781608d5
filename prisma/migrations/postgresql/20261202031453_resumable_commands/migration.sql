-- CreateTable
CREATE TABLE "ResumableCommand" (
    "key" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "resume" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResumableCommand_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ResumableCommand_platform_createdAt_idx" ON "ResumableCommand"("platform", "createdAt");
