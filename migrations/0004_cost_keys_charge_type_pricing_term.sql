ALTER TABLE "cost_daily" DROP CONSTRAINT "cost_daily_day_account_id_service_region_usage_type_pk";--> statement-breakpoint
ALTER TABLE "cost_daily" ADD CONSTRAINT "cost_daily_pk" PRIMARY KEY("day","account_id","service","region","usage_type","charge_type","charge_kind");--> statement-breakpoint
ALTER TABLE "cost_resource_daily" DROP CONSTRAINT "cost_resource_daily_pk";
--> statement-breakpoint
ALTER TABLE "cost_resource_daily" ADD CONSTRAINT "cost_resource_daily_pk" PRIMARY KEY("day","account_id","resource_id","service","region","usage_type","pricing_term");