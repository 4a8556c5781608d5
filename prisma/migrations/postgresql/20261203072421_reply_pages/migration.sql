-- CreateTable
CREATE TABLE "ReplyPages" (
    "id" TEXT NOT NULL,
    "pages" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReplyPages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReplyPages_expiresAt_idx" ON "ReplyPages"("expiresAt");
