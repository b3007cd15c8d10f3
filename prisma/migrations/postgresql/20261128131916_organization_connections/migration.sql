-- AlterTable
ALTER TABLE "ce_calendar_connections" ADD COLUMN     "organization_connection_id" TEXT;

-- CreateTable
CREATE TABLE "ce_organization_connections" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "google_domain" TEXT,
    "google_admin_email" TEXT,
    "service_account_email" TEXT,
    "service_account_key_credential_id" TEXT,
    "microsoft_tenant_id" TEXT,
    "app_client_id" TEXT,
    "app_client_secret_credential_id" TEXT,
    "consented_at" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'active',
    "status_reason" TEXT,
    "status_changed_at" TIMESTAMP(3),
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_organization_connections_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ce_organization_connections_organization_id_provider_key" ON "ce_organization_connections"("organization_id", "provider");

-- CreateIndex
CREATE INDEX "ce_calendar_connections_organization_connection_id_idx" ON "ce_calendar_connections"("organization_connection_id");

-- AddForeignKey
ALTER TABLE "ce_organization_connections" ADD CONSTRAINT "ce_organization_connections_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_connections" ADD CONSTRAINT "ce_calendar_connections_organization_connection_id_fkey" FOREIGN KEY ("organization_connection_id") REFERENCES "ce_organization_connections"("id") ON DELETE SET NULL ON UPDATE CASCADE;
