ALTER TABLE "prices" DROP CONSTRAINT "prices_instance_type_region_pk";--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "usage_operation" text;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "tenancy" text;--> statement-breakpoint
ALTER TABLE "prices" ADD COLUMN "platform" text DEFAULT 'Linux' NOT NULL;--> statement-breakpoint
ALTER TABLE "prices" ADD COLUMN "tenancy" text DEFAULT 'shared' NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "on_demand_monthly_savings_usd" double precision;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "savings_basis" text DEFAULT 'on-demand' NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "platform" text DEFAULT 'Linux' NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "retired_reason" text;
--> statement-breakpoint
ALTER TABLE "prices" ADD CONSTRAINT "prices_pk" PRIMARY KEY("instance_type","region","platform","tenancy");