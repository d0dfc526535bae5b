CREATE TABLE "action_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"action_id" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"step" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "actions" (
	"id" serial PRIMARY KEY NOT NULL,
	"recommendation_id" integer NOT NULL,
	"instance_id" text NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"from_type" text NOT NULL,
	"to_type" text NOT NULL,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"channel" text,
	"message_ts" text,
	"error" text,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cost_daily" (
	"day" date NOT NULL,
	"account_id" text NOT NULL,
	"service" text NOT NULL,
	"region" text NOT NULL,
	"usage_type" text NOT NULL,
	"unblended_usd" double precision NOT NULL,
	"net_unblended_usd" double precision,
	"amortized_usd" double precision,
	"usage_amount" double precision,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cost_daily_day_account_id_service_region_usage_type_pk" PRIMARY KEY("day","account_id","service","region","usage_type")
);
--> statement-breakpoint
CREATE TABLE "cost_resource_daily" (
	"day" date NOT NULL,
	"account_id" text NOT NULL,
	"resource_id" text NOT NULL,
	"service" text NOT NULL,
	"region" text NOT NULL,
	"unblended_usd" double precision NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cost_resource_daily_day_account_id_resource_id_service_region_pk" PRIMARY KEY("day","account_id","resource_id","service","region")
);
--> statement-breakpoint
CREATE TABLE "instance_types" (
	"instance_type" text PRIMARY KEY NOT NULL,
	"family" text NOT NULL,
	"vcpu" integer NOT NULL,
	"memory_mib" integer NOT NULL,
	"network_performance" text,
	"network_bandwidth_mbps" double precision,
	"ebs_bandwidth_mbps" double precision,
	"arch" text NOT NULL,
	"burstable" boolean NOT NULL,
	"baseline_cpu_percent" double precision,
	"current_generation" boolean NOT NULL,
	"gpu_count" integer DEFAULT 0 NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"instance_id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"availability_zone" text,
	"instance_type" text NOT NULL,
	"state" text NOT NULL,
	"launch_time" timestamp with time zone,
	"platform" text,
	"architecture" text,
	"lifecycle" text NOT NULL,
	"root_device_type" text,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"auto_scaling_group" text,
	"has_memory_metric" boolean,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"instance_type" text NOT NULL,
	"region" text NOT NULL,
	"usd_per_hour" double precision NOT NULL,
	"source" text NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "prices_instance_type_region_pk" PRIMARY KEY("instance_type","region")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"queue_job_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "metric_points" (
	"instance_id" text NOT NULL,
	"metric" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"period_seconds" integer NOT NULL,
	"avg" double precision,
	"max" double precision,
	"p95" double precision,
	"p99" double precision,
	CONSTRAINT "metric_points_instance_id_metric_ts_pk" PRIMARY KEY("instance_id","metric","ts")
);
--> statement-breakpoint
CREATE TABLE "anomalies" (
	"id" serial PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"account_id" text,
	"service" text,
	"region" text,
	"start_day" date NOT NULL,
	"end_day" date NOT NULL,
	"duration_days" integer NOT NULL,
	"status" text NOT NULL,
	"score" double precision NOT NULL,
	"severity" text NOT NULL,
	"actual_usd" double precision NOT NULL,
	"expected_usd" double precision NOT NULL,
	"impact_usd" double precision NOT NULL,
	"impact_percent" double precision,
	"root_cause" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"model_id" integer,
	"feedback" text,
	"feedback_by" text,
	"feedback_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "forecasts" (
	"id" serial PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"run_day" date NOT NULL,
	"horizon_months" integer NOT NULL,
	"model_id" integer,
	"history_from" date NOT NULL,
	"history_to" date NOT NULL,
	"confidence" text NOT NULL,
	"daily" jsonb NOT NULL,
	"monthly" jsonb NOT NULL,
	"trend" jsonb NOT NULL,
	"drivers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ml_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"scope" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"params" jsonb NOT NULL,
	"seed" integer,
	"trained_from" date,
	"trained_to" date,
	"rows" integer NOT NULL,
	"features" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"score_distribution" jsonb,
	"metrics" jsonb,
	"artifact" jsonb,
	"artifact_path" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"id" serial PRIMARY KEY NOT NULL,
	"instance_id" text NOT NULL,
	"account_id" text NOT NULL,
	"region" text NOT NULL,
	"status" text NOT NULL,
	"finding" text NOT NULL,
	"current_type" text NOT NULL,
	"recommended_type" text NOT NULL,
	"current_monthly_usd" double precision,
	"recommended_monthly_usd" double precision,
	"monthly_savings_usd" double precision,
	"savings_percent" double precision,
	"risk" text NOT NULL,
	"confidence" double precision NOT NULL,
	"reasoning" text NOT NULL,
	"lookback_days" integer NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" serial PRIMARY KEY NOT NULL,
	"anomaly_id" integer NOT NULL,
	"channel" text NOT NULL,
	"message_ts" text,
	"digest_ts" text,
	"posted_severity" text NOT NULL,
	"posted_impact_usd" double precision NOT NULL,
	"posted_end_day" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_events" ADD CONSTRAINT "action_events_action_id_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."actions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_recommendation_id_recommendations_id_fk" FOREIGN KEY ("recommendation_id") REFERENCES "public"."recommendations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_model_id_ml_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."ml_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "forecasts" ADD CONSTRAINT "forecasts_model_id_ml_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."ml_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_anomaly_id_anomalies_id_fk" FOREIGN KEY ("anomaly_id") REFERENCES "public"."anomalies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_events_action_idx" ON "action_events" USING btree ("action_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "actions_one_open_per_instance_key" ON "actions" USING btree ("instance_id") WHERE "actions"."status" in ('pending-approval', 'approved', 'running');--> statement-breakpoint
CREATE INDEX "actions_recommendation_idx" ON "actions" USING btree ("recommendation_id");--> statement-breakpoint
CREATE INDEX "cost_daily_service_day_idx" ON "cost_daily" USING btree ("service","day");--> statement-breakpoint
CREATE INDEX "cost_daily_account_day_idx" ON "cost_daily" USING btree ("account_id","day");--> statement-breakpoint
CREATE INDEX "cost_resource_daily_resource_idx" ON "cost_resource_daily" USING btree ("resource_id","day");--> statement-breakpoint
CREATE INDEX "instances_account_region_idx" ON "instances" USING btree ("account_id","region");--> statement-breakpoint
CREATE INDEX "instances_state_idx" ON "instances" USING btree ("state");--> statement-breakpoint
CREATE INDEX "prices_region_idx" ON "prices" USING btree ("region");--> statement-breakpoint
CREATE UNIQUE INDEX "job_runs_job_attempt_key" ON "job_runs" USING btree ("job","queue_job_id","attempt");--> statement-breakpoint
CREATE INDEX "job_runs_job_started_idx" ON "job_runs" USING btree ("job","started_at");--> statement-breakpoint
CREATE INDEX "metric_points_ts_idx" ON "metric_points" USING btree ("ts");--> statement-breakpoint
CREATE UNIQUE INDEX "anomalies_scope_start_key" ON "anomalies" USING btree ("scope","start_day");--> statement-breakpoint
CREATE INDEX "anomalies_start_day_idx" ON "anomalies" USING btree ("start_day");--> statement-breakpoint
CREATE INDEX "anomalies_severity_idx" ON "anomalies" USING btree ("severity","start_day");--> statement-breakpoint
CREATE INDEX "anomalies_impact_idx" ON "anomalies" USING btree ("impact_usd");--> statement-breakpoint
CREATE INDEX "anomalies_service_idx" ON "anomalies" USING btree ("service","start_day");--> statement-breakpoint
CREATE UNIQUE INDEX "forecasts_scope_run_horizon_key" ON "forecasts" USING btree ("scope","run_day","horizon_months");--> statement-breakpoint
CREATE INDEX "forecasts_run_day_idx" ON "forecasts" USING btree ("run_day");--> statement-breakpoint
CREATE UNIQUE INDEX "ml_models_kind_scope_version_key" ON "ml_models" USING btree ("kind","scope","version");--> statement-breakpoint
CREATE UNIQUE INDEX "ml_models_one_active_key" ON "ml_models" USING btree ("kind","scope") WHERE "ml_models"."status" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "recommendations_one_active_key" ON "recommendations" USING btree ("instance_id") WHERE "recommendations"."status" = 'active';--> statement-breakpoint
CREATE INDEX "recommendations_savings_idx" ON "recommendations" USING btree ("status","monthly_savings_usd");--> statement-breakpoint
CREATE INDEX "recommendations_account_region_idx" ON "recommendations" USING btree ("account_id","region");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_anomaly_channel_key" ON "alerts" USING btree ("anomaly_id","channel");