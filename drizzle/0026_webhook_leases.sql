-- The attempts under way, per endpoint: every worker's claim counts them to keep an endpoint
-- within WEBHOOK_ENDPOINT_CONCURRENCY across processes.
CREATE INDEX "webhook_deliveries_leased_idx" ON "webhook_deliveries" USING btree ("endpoint_id","lease_until") WHERE status = 'pending' and lease_until is not null;
