ALTER TABLE "cost_resource_daily" ADD COLUMN "usage_type" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_resource_daily" DROP CONSTRAINT "cost_resource_daily_day_account_id_resource_id_service_region_pk";--> statement-breakpoint
ALTER TABLE "cost_resource_daily" ADD CONSTRAINT "cost_resource_daily_pk" PRIMARY KEY("day","account_id","resource_id","service","region","usage_type");
