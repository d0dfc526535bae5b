DROP INDEX "anomalies_start_day_idx";--> statement-breakpoint
DROP INDEX "anomalies_impact_idx";--> statement-breakpoint
CREATE INDEX "anomalies_score_idx" ON "anomalies" USING btree ("score","id");--> statement-breakpoint
CREATE INDEX "anomalies_start_day_idx" ON "anomalies" USING btree ("start_day","id");--> statement-breakpoint
CREATE INDEX "anomalies_impact_idx" ON "anomalies" USING btree ("impact_usd","id");