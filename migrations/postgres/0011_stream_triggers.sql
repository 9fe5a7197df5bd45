-- Stream triggers (hub/core/trigger_commands.ts) and the messages they accepted, by key.
CREATE TABLE "trigger_deliveries" (
	"trigger_id" text NOT NULL,
	"key" text NOT NULL,
	"run_id" text NOT NULL,
	"received_at" bigint NOT NULL,
	CONSTRAINT "trigger_deliveries_trigger_id_key_pk" PRIMARY KEY("trigger_id","key")
);
--> statement-breakpoint
CREATE TABLE "triggers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"family" text NOT NULL,
	"version" bigint,
	"params" text NOT NULL,
	"mapping" text NOT NULL,
	"key_field" text,
	"priority" bigint DEFAULT 0 NOT NULL,
	"paused_at" bigint,
	"pause_reason" text,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "triggers_name_idx" ON "triggers" USING btree ("name");