-- CreateTable
CREATE TABLE "ReplyPages" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "pages" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "ReplyPages_expiresAt_idx" ON "ReplyPages"("expiresAt");
