-- CreateTable
CREATE TABLE "RateBudgetWindow" (
    "platform" TEXT NOT NULL,
    "windowStart" BIGINT NOT NULL,
    "used" INTEGER NOT NULL,

    CONSTRAINT "RateBudgetWindow_pkey" PRIMARY KEY ("platform","windowStart")
);
