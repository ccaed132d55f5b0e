-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "cacheHit" BOOLEAN NOT NULL DEFAULT false;
