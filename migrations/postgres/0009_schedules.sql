-- Schedules (hub/ops/schedule_times.ts, hub/ops/fire_schedules.ts), and the runs they fire:
-- a run records its schedule and nominal time, unique together, so a nominal time fires once.
CREATE TABLE "schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"family" text NOT NULL,
	"version" bigint,
	"params" text NOT NULL,
	"time_params" text NOT NULL,
	"cron" text,
	"interval_ms" bigint,
	"zone" text NOT NULL,
	"start_at" bigint,
	"end_at" bigint,
	"catch_up" text NOT NULL,
	"overlap" text NOT NULL,
	"jitter_ms" bigint DEFAULT 0 NOT NULL,
	"priority" bigint DEFAULT 0 NOT NULL,
	"paused_at" bigint,
	"pause_reason" text,
	"last_nominal_at" bigint NOT NULL,
	"next_at" bigint,
	"buffered_at" bigint,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "schedule_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "nominal_at" bigint;--> statement-breakpoint
CREATE UNIQUE INDEX "schedules_name_idx" ON "schedules" USING btree ("name");--> statement-breakpoint
CREATE INDEX "schedules_next_idx" ON "schedules" USING btree ("next_at");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_schedule_nominal_idx" ON "runs" USING btree ("schedule_id","nominal_at");