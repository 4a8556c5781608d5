-- CreateTable
CREATE TABLE "Payment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerRef" TEXT NOT NULL,
    "orderId" TEXT,
    "memberId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL,
    "creatorId" TEXT,
    "kind" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "fulfilledAt" DATETIME,
    "customerRef" TEXT,
    "subscriptionRef" TEXT,
    "payerRef" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProviderEvent" (
    "provider" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,

    PRIMARY KEY ("provider", "eventId")
);

-- CreateTable
CREATE TABLE "PaidSubscription" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerRef" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "currentPeriodEnd" DATETIME,
    "graceUntil" DATETIME,
    "customerRef" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "MoneyEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "creatorId" TEXT,
    "paymentId" TEXT,
    "kind" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PaymentDiscrepancy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT,
    "provider" TEXT NOT NULL,
    "providerRef" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "foundAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PremiumSku" (
    "skuId" TEXT NOT NULL PRIMARY KEY,
    "communityId" TEXT NOT NULL,
    "courseId" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "Payment_communityId_status_idx" ON "Payment"("communityId", "status");

-- CreateIndex
CREATE INDEX "Payment_orderId_idx" ON "Payment"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_provider_providerRef_key" ON "Payment"("provider", "providerRef");

-- CreateIndex
CREATE INDEX "PaidSubscription_orderId_idx" ON "PaidSubscription"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "PaidSubscription_provider_providerRef_key" ON "PaidSubscription"("provider", "providerRef");

-- CreateIndex
CREATE UNIQUE INDEX "MoneyEntry_reference_key" ON "MoneyEntry"("reference");

-- CreateIndex
CREATE INDEX "MoneyEntry_communityId_creatorId_currency_idx" ON "MoneyEntry"("communityId", "creatorId", "currency");

-- CreateIndex
CREATE INDEX "MoneyEntry_paymentId_idx" ON "MoneyEntry"("paymentId");

-- CreateIndex
CREATE INDEX "PaymentDiscrepancy_communityId_status_idx" ON "PaymentDiscrepancy"("communityId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "PaymentDiscrepancy_provider_providerRef_kind_key" ON "PaymentDiscrepancy"("provider", "providerRef", "kind");
