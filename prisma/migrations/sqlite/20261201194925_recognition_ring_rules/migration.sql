-- AlterTable
ALTER TABLE "LedgerFlag" ADD COLUMN "details" TEXT;

-- AlterTable
ALTER TABLE "LedgerPolicySetting" ADD COLUMN "ringMinTips" INTEGER;
ALTER TABLE "LedgerPolicySetting" ADD COLUMN "ringWindowDays" INTEGER;
