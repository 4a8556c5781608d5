-- AlterTable
ALTER TABLE "ProcessedDelivery" ADD COLUMN "finishedAt" DATETIME;
ALTER TABLE "ProcessedDelivery" ADD COLUMN "leaseUntil" DATETIME;
