-- Webhook deliveries and stream messages by age: retention deletes the old keys without a scan of them all.
CREATE INDEX `hook_deliveries_received_idx` ON `hook_deliveries` (`received_at`);--> statement-breakpoint
CREATE INDEX `trigger_deliveries_received_idx` ON `trigger_deliveries` (`received_at`);
