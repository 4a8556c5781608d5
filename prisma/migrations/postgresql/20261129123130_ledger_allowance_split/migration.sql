-- AlterTable
ALTER TABLE "LedgerAccount" ADD COLUMN     "lastFromAllowance" INTEGER NOT NULL DEFAULT 0;
