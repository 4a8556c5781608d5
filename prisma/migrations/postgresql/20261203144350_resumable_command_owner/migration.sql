-- A record now names whose command it is, so /privacy forget and community removal find it (ADR 0018). Records kept
-- before this migration (commands in flight during the deploy, minutes old) name them only inside the adapter's JSON:
-- every adapter's record carries the decoded envelope under `envelope`, whose space and user are objects of plain
-- values, so their ids are read from the text (a cast to jsonb would fail the migration on a record that does not
-- parse, and the migration runner takes no PL/pgSQL block to catch it). A record where they are not found gets empty
-- ones: the sweep drops it as unreadable, as it did before. Their command stays null (shown as such in an export).
-- AlterTable
ALTER TABLE "ResumableCommand" ADD COLUMN     "command" TEXT,
ADD COLUMN     "spaceId" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "userId" TEXT NOT NULL DEFAULT '';

UPDATE "ResumableCommand" SET
  "spaceId" = COALESCE(substring("resume" from '"space":\{[^{}]*"platformId":"([^"\\]*)"'), ''),
  "userId" = COALESCE(substring("resume" from '"user":\{[^{}]*"platformUserId":"([^"\\]*)"'), '');

ALTER TABLE "ResumableCommand" ALTER COLUMN "spaceId" DROP DEFAULT,
ALTER COLUMN "userId" DROP DEFAULT;

-- CreateIndex
CREATE INDEX "ResumableCommand_platform_spaceId_userId_idx" ON "ResumableCommand"("platform", "spaceId", "userId");
