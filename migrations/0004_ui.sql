CREATE TABLE `hub_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ui_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`csrf` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ui_sessions_token_idx` ON `ui_sessions` (`token_id`);--> statement-breakpoint
CREATE INDEX `ui_sessions_expiry_idx` ON `ui_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `backfills` ADD `submitted_by` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `submitted_by` text;