-- Schedules (hub/ops/schedule_times.ts, hub/ops/fire_schedules.ts), and the runs they fire:
-- a run records its schedule and nominal time, unique together, so a nominal time fires once.
CREATE TABLE `schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`family` text NOT NULL,
	`version` integer,
	`params` text NOT NULL,
	`time_params` text NOT NULL,
	`cron` text,
	`interval_ms` integer,
	`zone` text NOT NULL,
	`start_at` integer,
	`end_at` integer,
	`catch_up` text NOT NULL,
	`overlap` text NOT NULL,
	`jitter_ms` integer DEFAULT 0 NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`paused_at` integer,
	`pause_reason` text,
	`last_nominal_at` integer NOT NULL,
	`next_at` integer,
	`buffered_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `schedules_name_idx` ON `schedules` (`name`);--> statement-breakpoint
CREATE INDEX `schedules_next_idx` ON `schedules` (`next_at`);--> statement-breakpoint
ALTER TABLE `runs` ADD `schedule_id` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `nominal_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_schedule_nominal_idx` ON `runs` (`schedule_id`,`nominal_at`);