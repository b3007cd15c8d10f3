-- AlterTable
ALTER TABLE "ce_activities" ADD COLUMN     "attendee_responses" TEXT;

-- CreateTable
CREATE TABLE "ce_outbox_events" (
    "sequence" SERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "connection_id" TEXT,
    "user_id" TEXT,
    "type" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_outbox_events_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "ce_webhook_endpoints" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT,
    "secret_credential_id" TEXT NOT NULL,
    "previous_secret_credential_id" TEXT,
    "previous_secret_expires_at" TIMESTAMP(3),
    "cursor" INTEGER NOT NULL DEFAULT 0,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMP(3),
    "disabled_reason" TEXT,
    "deleted_at" TIMESTAMP(3),

    CONSTRAINT "ce_webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_webhook_deliveries" (
    "id" TEXT NOT NULL,
    "endpoint_id" TEXT NOT NULL,
    "event_sequence" INTEGER NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "first_attempt_at" TIMESTAMP(3),
    "last_attempt_at" TIMESTAMP(3),
    "next_attempt_at" TIMESTAMP(3),
    "delivered_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ce_webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ce_follow_up_tasks" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "activity_id" TEXT,
    "title" TEXT NOT NULL,
    "due_at" TIMESTAMP(3),
    "assignee_user_id" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "ce_follow_up_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ce_outbox_events_id_key" ON "ce_outbox_events"("id");

-- CreateIndex
CREATE INDEX "ce_outbox_events_organization_id_sequence_idx" ON "ce_outbox_events"("organization_id", "sequence");

-- CreateIndex
CREATE INDEX "ce_outbox_events_occurred_at_idx" ON "ce_outbox_events"("occurred_at");

-- CreateIndex
CREATE INDEX "ce_webhook_endpoints_organization_id_idx" ON "ce_webhook_endpoints"("organization_id");

-- CreateIndex
CREATE INDEX "ce_webhook_deliveries_endpoint_id_created_at_idx" ON "ce_webhook_deliveries"("endpoint_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ce_webhook_deliveries_endpoint_id_event_sequence_key" ON "ce_webhook_deliveries"("endpoint_id", "event_sequence");

-- CreateIndex
CREATE INDEX "ce_follow_up_tasks_organization_id_assignee_user_id_created_idx" ON "ce_follow_up_tasks"("organization_id", "assignee_user_id", "created_at");

-- AddForeignKey
ALTER TABLE "ce_outbox_events" ADD CONSTRAINT "ce_outbox_events_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_webhook_endpoints" ADD CONSTRAINT "ce_webhook_endpoints_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_webhook_deliveries" ADD CONSTRAINT "ce_webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "ce_webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_follow_up_tasks" ADD CONSTRAINT "ce_follow_up_tasks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "ce_organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_follow_up_tasks" ADD CONSTRAINT "ce_follow_up_tasks_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "ce_calendar_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ce_follow_up_tasks" ADD CONSTRAINT "ce_follow_up_tasks_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "ce_activities"("id") ON DELETE SET NULL ON UPDATE CASCADE;
