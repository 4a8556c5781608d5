-- AlterTable
ALTER TABLE "ProcessedDelivery" ADD COLUMN     "finishedAt" TIMESTAMP(3),
ADD COLUMN     "leaseUntil" TIMESTAMP(3);
