-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LedgerPosting" (
    "communityId" TEXT NOT NULL,
    "transferId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,

    PRIMARY KEY ("transferId", "accountId"),
    CONSTRAINT "LedgerPosting_transferId_fkey" FOREIGN KEY ("transferId") REFERENCES "LedgerTransfer" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "LedgerPosting_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "LedgerAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_LedgerPosting" ("accountId", "amount", "communityId", "transferId") SELECT "accountId", "amount", "communityId", "transferId" FROM "LedgerPosting";
DROP TABLE "LedgerPosting";
ALTER TABLE "new_LedgerPosting" RENAME TO "LedgerPosting";
CREATE INDEX "LedgerPosting_accountId_idx" ON "LedgerPosting"("accountId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
