CREATE TABLE `backfills` (
	`id` text PRIMARY KEY NOT NULL,
	`family` text NOT NULL,
	`version` integer NOT NULL,
	`param` text NOT NULL,
	`params` text NOT NULL,
	`dates` text NOT NULL,
	`next_index` integer DEFAULT 0 NOT NULL,
	`max_concurrent` integer,
	`priority` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `resource_limits` (
	`name` text PRIMARY KEY NOT NULL,
	`limit` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`role` text NOT NULL,
	`scope` text DEFAULT '{}' NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash_idx` ON `tokens` (`hash`);--> statement-breakpoint
ALTER TABLE `families` ADD `options` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `families` ADD `disabled_until` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `priority` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `backfill_id` text;--> statement-breakpoint
CREATE INDEX `runs_backfill_idx` ON `runs` (`backfill_id`);--> statement-breakpoint
ALTER TABLE `tasks` ADD `blocked_by` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `resources` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `batch_key` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `dynamic_rounds` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `external_checks` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `external_deadline_at` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `pin_spill` text;--> statement-breakpoint
CREATE INDEX `tasks_batch_idx` ON `tasks` (`family`,`version`,`batch_key`) WHERE state = 'ready' AND batch_key IS NOT NULL;--> statement-breakpoint
ALTER TABLE `workers` ADD `cordoned` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `workers` ADD `draining` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `attempts_ended_idx` ON `attempts` (`ended_at`);