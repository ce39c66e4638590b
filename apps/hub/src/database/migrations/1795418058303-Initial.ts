import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795418058303 implements MigrationInterface {
  name = 'Initial1795418058303';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "organisation" ("id" uuid NOT NULL, "name" text NOT NULL, "kind" text NOT NULL, "asns" bigint array NOT NULL DEFAULT '{}', "regions" text array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_d9428f9c8e3052d6617e3aab0ed" UNIQUE ("name"), CONSTRAINT "CHK_organisation_kind" CHECK ("kind" IN ('CARRIER', 'ISAC', 'MINISTRY', 'PARTNER')), CONSTRAINT "PK_c725ae234ef1b74cce43d2d00c1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "api_key" ("id" uuid NOT NULL, "org_id" uuid NOT NULL, "name" text NOT NULL, "key_id" text NOT NULL, "secret_hash" text NOT NULL, "scopes" text array NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_25317defbd76045915caa07f8aa" UNIQUE ("key_id"), CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_api_key_org" ON "api_key"  ("org_id") `);
    await queryRunner.query(`CREATE TABLE "signal" ("id" uuid NOT NULL, "sequence" BIGSERIAL NOT NULL, "org_id" uuid NOT NULL, "source_ref" text NOT NULL, "kind" text NOT NULL, "severity" text NOT NULL, "tlp" text NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "audience" text array NOT NULL, "observed_start" TIMESTAMP WITH TIME ZONE NOT NULL, "observed_end" TIMESTAMP WITH TIME ZONE, "regions" text array NOT NULL, "service" text, "details" jsonb NOT NULL, "text_raw" text, "text_scrubbed" text, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_signal_org_source_ref" UNIQUE ("org_id", "source_ref"), CONSTRAINT "CHK_signal_severity" CHECK ("severity" IN ('INFO', 'MINOR', 'MAJOR', 'CRITICAL')), CONSTRAINT "CHK_signal_tlp" CHECK ("tlp" IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')), CONSTRAINT "CHK_signal_kind" CHECK ("kind" IN ('TRAFFIC_DROP', 'ROUTE_ANOMALY', 'RESOLVER_FAILURE', 'SERVICE_OUTAGE', 'MAINTENANCE')), CONSTRAINT "PK_bc7222a78e5bc0403a1988c1daf" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_signal_sequence" ON "signal"  ("sequence") `);
    await queryRunner.query(`CREATE INDEX "IDX_signal_observed_start" ON "signal"  ("observed_start") `);
    await queryRunner.query(`CREATE TABLE "hub_user" ("id" uuid NOT NULL, "org_id" uuid NOT NULL, "email" text NOT NULL, "display_name" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_8ec541e15adb7bca8a6a6109159" UNIQUE ("email"), CONSTRAINT "CHK_hub_user_role" CHECK ("role" IN ('VIEWER', 'PUBLISHER', 'ADMIN')), CONSTRAINT "PK_31d6bade4f968a1772ac5795c40" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_hub_user_org" ON "hub_user"  ("org_id") `);
    await queryRunner.query(`CREATE TABLE "hub_secret" ("name" text NOT NULL, "value" text NOT NULL, CONSTRAINT "PK_fd7f7ffdb651b0e5634a7aca21d" PRIMARY KEY ("name"))`);
    await queryRunner.query(`ALTER TABLE "api_key" ADD CONSTRAINT "FK_80f6e510b9dbf92323d35e4c5d1" FOREIGN KEY ("org_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "signal" ADD CONSTRAINT "FK_504042232594fecf846e41ff3ff" FOREIGN KEY ("org_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "hub_user" ADD CONSTRAINT "FK_e9df9aa45d2ecdeefd93182c81c" FOREIGN KEY ("org_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hub_user" DROP CONSTRAINT "FK_e9df9aa45d2ecdeefd93182c81c"`);
    await queryRunner.query(`ALTER TABLE "signal" DROP CONSTRAINT "FK_504042232594fecf846e41ff3ff"`);
    await queryRunner.query(`ALTER TABLE "api_key" DROP CONSTRAINT "FK_80f6e510b9dbf92323d35e4c5d1"`);
    await queryRunner.query(`DROP TABLE "hub_secret"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_hub_user_org"`);
    await queryRunner.query(`DROP TABLE "hub_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_signal_observed_start"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_signal_sequence"`);
    await queryRunner.query(`DROP TABLE "signal"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_api_key_org"`);
    await queryRunner.query(`DROP TABLE "api_key"`);
    await queryRunner.query(`DROP TABLE "organisation"`);
  }
}
