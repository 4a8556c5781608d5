-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LedgerAccount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "memberId" TEXT,
    "balance" INTEGER NOT NULL DEFAULT 0,
    "day" TEXT NOT NULL DEFAULT '',
    "allowanceUsed" INTEGER NOT NULL DEFAULT 0,
    "sentToday" INTEGER NOT NULL DEFAULT 0,
    "lastFromAllowance" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- Hand-added (kept from the previous migration, which the table redefinition would drop).
    CONSTRAINT "LedgerAccount_member_balance_check" CHECK ("key" = 'mint' OR "balance" >= 0)
);
INSERT INTO "new_LedgerAccount" ("allowanceUsed", "balance", "communityId", "createdAt", "day", "id", "key", "memberId", "sentToday") SELECT "allowanceUsed", "balance", "communityId", "createdAt", "day", "id", "key", "memberId", "sentToday" FROM "LedgerAccount";
DROP TABLE "LedgerAccount";
ALTER TABLE "new_LedgerAccount" RENAME TO "LedgerAccount";
CREATE UNIQUE INDEX "LedgerAccount_communityId_key_key" ON "LedgerAccount"("communityId", "key");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
