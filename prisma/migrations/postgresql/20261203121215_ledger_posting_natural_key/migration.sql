-- DropIndex
DROP INDEX "LedgerPosting_communityId_idx";

-- DropIndex
DROP INDEX "LedgerPosting_transferId_idx";

-- AlterTable
ALTER TABLE "LedgerPosting" DROP CONSTRAINT "LedgerPosting_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "LedgerPosting_pkey" PRIMARY KEY ("transferId", "accountId");
