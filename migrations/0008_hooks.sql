-- Webhooks (hub/core/hook_commands.ts) and the deliveries they accepted, by idempotency key.
CREATE TABLE `hook_deliveries` (
	`hook_id` text NOT NULL,
	`key` text NOT NULL,
	`run_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`hook_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `hooks` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`family` text NOT NULL,
	`version` integer,
	`params` text NOT NULL,
	`mapping` text NOT NULL,
	`secret` text NOT NULL,
	`key_header` text,
	`key_field` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hooks_name_idx` ON `hooks` (`name`);