-- DropIndex
DROP INDEX "ce_calendar_connections_organization_id_provider_external_a_key";

-- AlterTable
ALTER TABLE "ce_calendar_connections" ADD COLUMN     "external_account_id" TEXT,
ADD COLUMN     "live_account_key" TEXT;

-- AlterTable
ALTER TABLE "ce_calendar_events" ADD COLUMN     "is_private" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "show_as" TEXT NOT NULL DEFAULT 'busy';

-- AlterTable
ALTER TABLE "ce_calendar_push_channels" ADD COLUMN     "last_message_number" INTEGER;

-- CreateTable
CREATE TABLE "ce_idempotency_keys" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_idempotency_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_rate_limits" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),

    CONSTRAINT "api_rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ce_idempotency_keys_created_at_idx" ON "ce_idempotency_keys"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ce_idempotency_keys_organization_id_user_id_scope_key_key" ON "ce_idempotency_keys"("organization_id", "user_id", "scope", "key");

-- CreateIndex
CREATE INDEX "api_rate_limits_expire_idx" ON "api_rate_limits"("expire");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_connections_live_account_key_key" ON "ce_calendar_connections"("live_account_key");

-- CreateIndex
CREATE INDEX "ce_calendar_connections_organization_id_provider_external_a_idx" ON "ce_calendar_connections"("organization_id", "provider", "external_account_email");

-- CreateIndex
CREATE INDEX "ce_calendar_connections_status_disconnected_at_idx" ON "ce_calendar_connections"("status", "disconnected_at");

-- CreateIndex
CREATE INDEX "ce_calendar_feeds_revoked_at_idx" ON "ce_calendar_feeds"("revoked_at");
