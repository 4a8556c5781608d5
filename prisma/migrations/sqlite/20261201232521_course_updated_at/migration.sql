-- AlterTable
ALTER TABLE "Course" ADD COLUMN "updatedAt" DATETIME;
