-- CreateTable
CREATE TABLE "RateBudgetWindow" (
    "platform" TEXT NOT NULL,
    "windowStart" BIGINT NOT NULL,
    "used" INTEGER NOT NULL,

    PRIMARY KEY ("platform", "windowStart")
);
