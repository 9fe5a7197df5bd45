DROP INDEX "tasks_claim_idx";--> statement-breakpoint
CREATE INDEX "tasks_claim_idx" ON "tasks" USING btree ("pin","family","version","priority" DESC NULLS FIRST,"created_at") WHERE state = 'ready';