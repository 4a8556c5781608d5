-- AlterTable
ALTER TABLE "LedgerFlag" ADD COLUMN "resolution" TEXT;
ALTER TABLE "LedgerFlag" ADD COLUMN "resolvedAt" DATETIME;
ALTER TABLE "LedgerFlag" ADD COLUMN "resolvedById" TEXT;
