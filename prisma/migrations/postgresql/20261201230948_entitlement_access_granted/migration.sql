-- AlterTable
ALTER TABLE "Entitlement" ADD COLUMN     "accessGrantedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Entitlement_accessGrantedAt_createdAt_idx" ON "Entitlement"("accessGrantedAt", "createdAt");

-- Entitlements from before this column had their access given when they were created.
UPDATE "Entitlement" SET "accessGrantedAt" = "createdAt";
