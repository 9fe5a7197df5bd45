CREATE TABLE `attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`kind` text NOT NULL,
	`epoch` integer NOT NULL,
	`attempt` integer NOT NULL,
	`worker_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`outcome` text,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attempts_task_epoch_idx` ON `attempts` (`task_id`,`epoch`);--> statement-breakpoint
CREATE TABLE `edges` (
	`task_id` text NOT NULL,
	`dep_id` text NOT NULL,
	PRIMARY KEY(`task_id`, `dep_id`)
);
--> statement-breakpoint
CREATE INDEX `edges_dep_idx` ON `edges` (`dep_id`);--> statement-breakpoint
CREATE TABLE `families` (
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`description` text,
	`params_schema` text NOT NULL,
	`pin` text DEFAULT '' NOT NULL,
	`retry` text NOT NULL,
	`has_run` integer NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`timeout_ms` integer,
	`schema_hash` text NOT NULL,
	`first_worker_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`name`, `version`)
);
--> statement-breakpoint
CREATE TABLE `hubs` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `publications` (
	`key` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`epoch` integer NOT NULL,
	`worker_id` text,
	`kind` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publications_task_idx` ON `publications` (`task_id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`root_task_id` text NOT NULL,
	`family` text NOT NULL,
	`params` text NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `runs_root_idx` ON `runs` (`root_task_id`);--> statement-breakpoint
CREATE INDEX `runs_created_idx` ON `runs` (`created_at`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`family` text NOT NULL,
	`version` integer NOT NULL,
	`params` text NOT NULL,
	`state` text NOT NULL,
	`kind` text NOT NULL,
	`pin` text DEFAULT '' NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`has_run` integer,
	`pending_deps` integer DEFAULT 0 NOT NULL,
	`attempt` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`retry_base_ms` integer DEFAULT 1000 NOT NULL,
	`retry_max_ms` integer DEFAULT 60000 NOT NULL,
	`expand_failures` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_epoch` integer DEFAULT 0 NOT NULL,
	`lease_expires_at` integer,
	`status_message` text,
	`progress` real,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`ready_at` integer,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `tasks_claim_idx` ON `tasks` (`pin`,`family`,`version`,priority DESC,`created_at`) WHERE state = 'ready';--> statement-breakpoint
CREATE INDEX `tasks_lease_expiry_idx` ON `tasks` (`lease_expires_at`) WHERE state = 'leased';--> statement-breakpoint
CREATE INDEX `tasks_state_idx` ON `tasks` (`state`);--> statement-breakpoint
CREATE TABLE `workers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`labels` text NOT NULL,
	`version` text NOT NULL,
	`slots` integer NOT NULL,
	`families` text DEFAULT '[]' NOT NULL,
	`hub_id` text,
	`state` text NOT NULL,
	`connected_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
