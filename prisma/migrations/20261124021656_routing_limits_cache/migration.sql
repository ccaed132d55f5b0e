-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "rpmLimit" INTEGER,
ADD COLUMN     "tpmLimit" INTEGER;

-- AlterTable
ALTER TABLE "Provider" ADD COLUMN     "noDataRetention" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "cacheEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "cacheTtlSeconds" INTEGER NOT NULL DEFAULT 3600,
ADD COLUMN     "rpmLimit" INTEGER,
ADD COLUMN     "tpmLimit" INTEGER;

-- CreateTable
CREATE TABLE "RoutingPolicy" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "createdById" TEXT,
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoutingPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RoutingPolicy_tenantId_createdAt_idx" ON "RoutingPolicy"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RoutingPolicy_tenantId_version_key" ON "RoutingPolicy"("tenantId", "version");

-- AddForeignKey
ALTER TABLE "RoutingPolicy" ADD CONSTRAINT "RoutingPolicy_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
