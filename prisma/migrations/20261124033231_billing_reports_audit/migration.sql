-- CreateEnum
CREATE TYPE "LedgerKind" AS ENUM ('topup', 'usage', 'refund', 'adjustment', 'grant');

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "allowedModels" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "spendLimitPeriod" TEXT NOT NULL DEFAULT 'monthly';


-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "autoTopUpAmountMicros" BIGINT,
ADD COLUMN     "autoTopUpEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "autoTopUpPendingAt" TIMESTAMP(3),
ADD COLUMN     "autoTopUpThresholdMicros" BIGINT,
ADD COLUMN     "balanceMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "bodyRetentionDays" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "budgetAlertWebhookUrl" TEXT,
ADD COLUMN     "budgetHardLimit" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "markupBps" INTEGER,
ADD COLUMN     "region" TEXT,
ADD COLUMN     "reservedMicros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "storeBodies" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "stripeCustomerId" TEXT,
ADD COLUMN     "stripePaymentMethodId" TEXT,
ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'UTC',
ADD COLUMN     "zeroDataRetention" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "markupBps" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "providerCostMicros" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Price" (
    "id" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "inputMicros" BIGINT NOT NULL,
    "cachedInputMicros" BIGINT NOT NULL,
    "cacheWriteMicros" BIGINT NOT NULL,
    "outputMicros" BIGINT NOT NULL,
    "source" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Price_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelMarkup" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "modelId" TEXT NOT NULL,
    "markupBps" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ModelMarkup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PlatformSetting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformSetting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "kind" "LedgerKind" NOT NULL,
    "amountMicros" BIGINT NOT NULL,
    "reference" TEXT,
    "description" TEXT NOT NULL,
    "requestCount" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "metadata" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreditLease" (
    "tenantId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "amountMicros" BIGINT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditLease_pkey" PRIMARY KEY ("tenantId","instanceId")
);

-- CreateTable
CREATE TABLE "TopUp" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "amountMicros" BIGINT NOT NULL,
    "refundedMicros" BIGINT NOT NULL DEFAULT 0,
    "stripeCheckoutSessionId" TEXT,
    "stripePaymentIntentId" TEXT,
    "receiptUrl" TEXT,
    "failureMessage" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TopUp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StripeEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "tenantId" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StripeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BudgetAlert" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeId" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "threshold" INTEGER NOT NULL,
    "spentMicros" BIGINT NOT NULL,
    "limitMicros" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageRollup" (
    "tenantId" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "requestedModel" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "deploymentId" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "clientErrors" INTEGER NOT NULL DEFAULT 0,
    "rateLimited" INTEGER NOT NULL DEFAULT 0,
    "upstreamErrors" INTEGER NOT NULL DEFAULT 0,
    "clientClosed" INTEGER NOT NULL DEFAULT 0,
    "cacheHits" INTEGER NOT NULL DEFAULT 0,
    "estimated" INTEGER NOT NULL DEFAULT 0,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedInputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWriteTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "reasoningTokens" BIGINT NOT NULL DEFAULT 0,
    "costMicros" BIGINT NOT NULL DEFAULT 0,
    "providerCostMicros" BIGINT NOT NULL DEFAULT 0,
    "totalMsSum" BIGINT NOT NULL DEFAULT 0,
    "lat100" INTEGER NOT NULL DEFAULT 0,
    "lat250" INTEGER NOT NULL DEFAULT 0,
    "lat500" INTEGER NOT NULL DEFAULT 0,
    "lat1000" INTEGER NOT NULL DEFAULT 0,
    "lat2500" INTEGER NOT NULL DEFAULT 0,
    "lat5000" INTEGER NOT NULL DEFAULT 0,
    "lat10000" INTEGER NOT NULL DEFAULT 0,
    "lat30000" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UsageRollup_pkey" PRIMARY KEY ("tenantId","hour","apiKeyId","modelId","requestedModel","providerId","deploymentId")
);

-- CreateTable
CREATE TABLE "RequestBody" (
    "requestId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "response" JSONB,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RequestBody_pkey" PRIMARY KEY ("requestId")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT,
    "actorUserId" TEXT,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Price_deploymentId_effectiveFrom_key" ON "Price"("deploymentId", "effectiveFrom");

-- CreateIndex
CREATE UNIQUE INDEX "ModelMarkup_tenantId_modelId_key" ON "ModelMarkup"("tenantId", "modelId");

-- CreateIndex
CREATE UNIQUE INDEX "LedgerEntry_reference_key" ON "LedgerEntry"("reference");

-- CreateIndex
CREATE INDEX "LedgerEntry_tenantId_createdAt_idx" ON "LedgerEntry"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "CreditLease_expiresAt_idx" ON "CreditLease"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "TopUp_stripeCheckoutSessionId_key" ON "TopUp"("stripeCheckoutSessionId");

-- CreateIndex
CREATE UNIQUE INDEX "TopUp_stripePaymentIntentId_key" ON "TopUp"("stripePaymentIntentId");

-- CreateIndex
CREATE INDEX "TopUp_tenantId_createdAt_idx" ON "TopUp"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "BudgetAlert_tenantId_createdAt_idx" ON "BudgetAlert"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "BudgetAlert_scopeId_period_threshold_key" ON "BudgetAlert"("scopeId", "period", "threshold");

-- CreateIndex
CREATE INDEX "RequestBody_tenantId_createdAt_idx" ON "RequestBody"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "RequestBody_expiresAt_idx" ON "RequestBody"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditLog_tenantId_createdAt_idx" ON "AuditLog"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_createdAt_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_stripeCustomerId_key" ON "Tenant"("stripeCustomerId");

-- AddForeignKey
ALTER TABLE "Price" ADD CONSTRAINT "Price_deploymentId_fkey" FOREIGN KEY ("deploymentId") REFERENCES "Deployment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelMarkup" ADD CONSTRAINT "ModelMarkup_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TopUp" ADD CONSTRAINT "TopUp_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BudgetAlert" ADD CONSTRAINT "BudgetAlert_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Data: each deployment's price so far becomes the first version in the price book (hand-written).
INSERT INTO "Price" ("id", "deploymentId", "effectiveFrom", "inputMicros", "cachedInputMicros", "cacheWriteMicros", "outputMicros", "source")
SELECT 'prc_' || substr(md5(random()::text || "id"), 1, 20), "id", "createdAt", "inputPriceMicros", "cachedInputPriceMicros", "inputPriceMicros", "outputPriceMicros", 'migrated'
FROM "Deployment";

-- AlterTable
ALTER TABLE "Deployment" DROP COLUMN "cachedInputPriceMicros",
DROP COLUMN "inputPriceMicros",
DROP COLUMN "outputPriceMicros";
