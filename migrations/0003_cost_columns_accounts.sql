CREATE TABLE "accounts" (
	"account_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cost_daily" ADD COLUMN "charge_type" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_daily" ADD COLUMN "charge_kind" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_daily" ADD COLUMN "net_amortized_usd" double precision;--> statement-breakpoint
ALTER TABLE "cost_resource_daily" ADD COLUMN "pricing_term" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cost_resource_daily" ADD COLUMN "amortized_usd" double precision;--> statement-breakpoint
ALTER TABLE "cost_resource_daily" ADD COLUMN "net_amortized_usd" double precision;--> statement-breakpoint
ALTER TABLE "cost_resource_daily" ADD COLUMN "usage_amount" double precision;