CREATE TABLE "installs" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ballot_choice" text,
	"ballot_at" bigint,
	"ballot_event_id" text
);
--> statement-breakpoint
CREATE TABLE "tally" (
	"choice" text PRIMARY KEY NOT NULL,
	"votes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tally_version" (
	"id" smallint PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	CONSTRAINT "tally_version_single_row" CHECK ("tally_version"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "used_challenges" (
	"id" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vote_events" (
	"install_id" text NOT NULL,
	"event_id" text NOT NULL,
	"at" bigint NOT NULL,
	"choice" text,
	CONSTRAINT "vote_events_install_id_event_id_pk" PRIMARY KEY("install_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "vote_events" ADD CONSTRAINT "vote_events_install_id_installs_id_fk" FOREIGN KEY ("install_id") REFERENCES "public"."installs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "used_challenges_expires_at" ON "used_challenges" USING btree ("expires_at");