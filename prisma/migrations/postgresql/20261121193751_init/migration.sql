-- CreateTable
CREATE TABLE "ce_organizations" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_module_settings" (
    "organization_id" TEXT NOT NULL,
    "calendar_default_meeting_duration_minutes" INTEGER NOT NULL DEFAULT 30,
    "calendar_sync_poll_interval_minutes" INTEGER NOT NULL DEFAULT 15,
    "calendar_pre_meeting_notification_minutes" INTEGER NOT NULL DEFAULT 15,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,

    CONSTRAINT "ce_module_settings_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "pf_credentials" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT,
    "kind" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "auth_tag" BYTEA NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rewrapped_at" TIMESTAMP(3),

    CONSTRAINT "pf_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_oauth_clients" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "oauth_client_id" TEXT NOT NULL,
    "oauth_client_secret_credential_id" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "ce_oauth_clients_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_oauth_states" (
    "state_hash" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "oauth_client_id" TEXT,
    "reconnect_connection_id" TEXT,
    "redirect_uri" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "consumed_at" TIMESTAMP(3),

    CONSTRAINT "ce_oauth_states_pkey" PRIMARY KEY ("state_hash")
);

-- CreateTable
CREATE TABLE "ce_calendar_connections" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "external_account_email" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "last_sync_at" TIMESTAMP(3),
    "last_sync_outcome" TEXT,
    "last_error_code" TEXT,
    "last_error_at" TIMESTAMP(3),
    "oauth_client_id" TEXT,
    "scopes" TEXT,
    "access_token_credential_id" TEXT,
    "refresh_token_credential_id" TEXT,
    "token_expires_at" TIMESTAMP(3),
    "access_token_encrypted" TEXT,
    "refresh_token_encrypted" TEXT,
    "migration_required" BOOLEAN NOT NULL DEFAULT false,
    "migrated_at" TIMESTAMP(3),
    "migration_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnected_at" TIMESTAMP(3),

    CONSTRAINT "ce_calendar_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_calendar_connection_calendars" (
    "id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "external_calendar_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "time_zone" TEXT,
    "is_primary" BOOLEAN NOT NULL DEFAULT false,
    "sync_enabled" BOOLEAN NOT NULL DEFAULT true,
    "is_write_target" BOOLEAN NOT NULL DEFAULT false,
    "sync_cursor" TEXT,
    "last_sync_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_calendar_connection_calendars_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_calendar_push_channels" (
    "id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "external_calendar_id" TEXT NOT NULL,
    "provider_channel_id" TEXT NOT NULL,
    "resource_id" TEXT,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stopped_at" TIMESTAMP(3),

    CONSTRAINT "ce_calendar_push_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_calendar_events" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "external_calendar_id" TEXT NOT NULL,
    "external_event_id" TEXT NOT NULL,
    "ical_uid" TEXT,
    "etag" TEXT,
    "content_hash" TEXT NOT NULL,
    "sync_direction" TEXT NOT NULL,
    "activity_id" TEXT,
    "request_id" TEXT,
    "status" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "location" TEXT,
    "start_at" TIMESTAMP(3) NOT NULL,
    "end_at" TIMESTAMP(3) NOT NULL,
    "all_day" BOOLEAN NOT NULL DEFAULT false,
    "start_date" TEXT,
    "end_date" TEXT,
    "time_zone" TEXT,
    "event_kind" TEXT NOT NULL DEFAULT 'single',
    "recurrence" TEXT,
    "series_master_external_id" TEXT,
    "original_start_at" TIMESTAMP(3),
    "organizer_email" TEXT,
    "organizer_name" TEXT,
    "attendees" TEXT,
    "external_updated_at" TIMESTAMP(3),
    "last_synced_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_calendar_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_activities" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "owner_user_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "contact_id" TEXT,
    "start_at" TIMESTAMP(3) NOT NULL,
    "end_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pf_notifications" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "event_id" TEXT,
    "title" TEXT NOT NULL,
    "body" TEXT,
    "scheduled_for" TIMESTAMP(3) NOT NULL,
    "delivered_at" TIMESTAMP(3),
    "read_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pf_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_calendar_event_changes" (
    "id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "actor" TEXT,
    "fields_before" TEXT,
    "fields_after" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_calendar_event_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_calendar_event_conflicts" (
    "id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "base_version" TEXT,
    "local_version" TEXT NOT NULL,
    "remote_version" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "resolution" TEXT,
    "resolved_version" TEXT,
    "resolved_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMP(3),

    CONSTRAINT "ce_calendar_event_conflicts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_calendar_feeds" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "connection_id" TEXT,
    "visibility" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "ce_calendar_feeds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "diagnostic_probes" (
    "id" TEXT NOT NULL,
    "requested_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),
    "worker_id" TEXT,

    CONSTRAINT "diagnostic_probes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pf_credentials_key_id_idx" ON "pf_credentials"("key_id");

-- CreateIndex
CREATE INDEX "ce_oauth_clients_organization_id_provider_active_idx" ON "ce_oauth_clients"("organization_id", "provider", "active");

-- CreateIndex
CREATE INDEX "ce_oauth_states_expires_at_idx" ON "ce_oauth_states"("expires_at");

-- CreateIndex
CREATE INDEX "ce_calendar_connections_organization_id_user_id_idx" ON "ce_calendar_connections"("organization_id", "user_id");

-- CreateIndex
CREATE INDEX "ce_calendar_connections_migration_required_idx" ON "ce_calendar_connections"("migration_required");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_connections_organization_id_provider_external_a_key" ON "ce_calendar_connections"("organization_id", "provider", "external_account_email");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_connection_calendars_connection_id_external_cal_key" ON "ce_calendar_connection_calendars"("connection_id", "external_calendar_id");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_push_channels_provider_channel_id_key" ON "ce_calendar_push_channels"("provider_channel_id");

-- CreateIndex
CREATE INDEX "ce_calendar_push_channels_connection_id_status_idx" ON "ce_calendar_push_channels"("connection_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_events_activity_id_key" ON "ce_calendar_events"("activity_id");

-- CreateIndex
CREATE INDEX "ce_calendar_events_organization_id_start_at_idx" ON "ce_calendar_events"("organization_id", "start_at");

-- CreateIndex
CREATE INDEX "ce_calendar_events_connection_id_start_at_idx" ON "ce_calendar_events"("connection_id", "start_at");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_events_connection_id_external_calendar_id_exter_key" ON "ce_calendar_events"("connection_id", "external_calendar_id", "external_event_id");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_events_connection_id_request_id_key" ON "ce_calendar_events"("connection_id", "request_id");

-- CreateIndex
CREATE INDEX "ce_activities_organization_id_owner_user_id_idx" ON "ce_activities"("organization_id", "owner_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "pf_notifications_dedupe_key_key" ON "pf_notifications"("dedupe_key");

-- CreateIndex
CREATE INDEX "pf_notifications_organization_id_user_id_created_at_idx" ON "pf_notifications"("organization_id", "user_id", "created_at");

-- CreateIndex
CREATE INDEX "ce_calendar_event_changes_event_id_created_at_idx" ON "ce_calendar_event_changes"("event_id", "created_at");

-- CreateIndex
CREATE INDEX "ce_calendar_event_conflicts_event_id_idx" ON "ce_calendar_event_conflicts"("event_id");

-- CreateIndex
CREATE UNIQUE INDEX "ce_calendar_feeds_token_hash_key" ON "ce_calendar_feeds"("token_hash");

-- CreateIndex
CREATE INDEX "ce_calendar_feeds_organization_id_user_id_idx" ON "ce_calendar_feeds"("organization_id", "user_id");

-- AddForeignKey
ALTER TABLE "ce_module_settings" ADD CONSTRAINT "ce_module_settings_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pf_credentials" ADD CONSTRAINT "pf_credentials_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_oauth_clients" ADD CONSTRAINT "ce_oauth_clients_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_connections" ADD CONSTRAINT "ce_calendar_connections_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_connections" ADD CONSTRAINT "ce_calendar_connections_oauth_client_id_fkey" FOREIGN KEY ("oauth_client_id") REFERENCES "ce_oauth_clients"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_connection_calendars" ADD CONSTRAINT "ce_calendar_connection_calendars_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "ce_calendar_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_push_channels" ADD CONSTRAINT "ce_calendar_push_channels_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "ce_calendar_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_events" ADD CONSTRAINT "ce_calendar_events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_events" ADD CONSTRAINT "ce_calendar_events_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "ce_calendar_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_events" ADD CONSTRAINT "ce_calendar_events_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "ce_activities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_activities" ADD CONSTRAINT "ce_activities_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pf_notifications" ADD CONSTRAINT "pf_notifications_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_event_changes" ADD CONSTRAINT "ce_calendar_event_changes_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "ce_calendar_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_event_conflicts" ADD CONSTRAINT "ce_calendar_event_conflicts_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "ce_calendar_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_calendar_feeds" ADD CONSTRAINT "ce_calendar_feeds_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
