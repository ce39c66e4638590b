import { MigrationInterface, QueryRunner } from 'typeorm';

export class Incidents1795418867060 implements MigrationInterface {
  name = 'Incidents1795418867060';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "incident_event" ("id" uuid NOT NULL, "incident_id" uuid NOT NULL, "type" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_org_id" uuid, "actor_user_id" uuid, "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_ee6d654432381374612876fc867" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_incident_event_incident" ON "incident_event"  ("incident_id", "at") `);
    await queryRunner.query(`CREATE TABLE "incident" ("id" uuid NOT NULL, "revision" BIGSERIAL NOT NULL, "status" text NOT NULL, "kinds" text array NOT NULL, "regions" text array NOT NULL, "services" text array NOT NULL, "org_ids" uuid array NOT NULL, "signal_count" integer NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "window_end" TIMESTAMP WITH TIME ZONE NOT NULL, "severity" text NOT NULL, "tlp" text NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "audience" text array NOT NULL, "tlp_curated" boolean NOT NULL DEFAULT false, "severity_curated" boolean NOT NULL DEFAULT false, "title" text, "note" text, "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolved_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_incident_status" CHECK ("status" IN ('SINGLE_ORG', 'CROSS_CARRIER', 'RESOLVED')), CONSTRAINT "PK_5f90b28b0b8238d89ee8edcf96e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_incident_revision" ON "incident"  ("revision") `);
    await queryRunner.query(`CREATE INDEX "IDX_incident_open_window" ON "incident"  ("status", "window_start", "window_end") `);
    await queryRunner.query(`CREATE TABLE "incident_key" ("key" text NOT NULL, "incident_id" uuid NOT NULL, CONSTRAINT "PK_24216125d3daa75bac0eaffa6c9" PRIMARY KEY ("key", "incident_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_incident_key_incident" ON "incident_key"  ("incident_id") `);
    await queryRunner.query(`CREATE TABLE "incident_prefix" ("incident_id" uuid NOT NULL, "prefix" cidr NOT NULL, CONSTRAINT "PK_be4e1b65e506ee4f9950dfc63f3" PRIMARY KEY ("incident_id", "prefix"))`);
    await queryRunner.query(`ALTER TABLE "signal" ADD "incident_id" uuid`);
    await queryRunner.query(`CREATE INDEX "IDX_signal_incident" ON "signal"  ("incident_id") `);
    await queryRunner.query(`ALTER TABLE "signal" ADD CONSTRAINT "FK_56f6438919964e04e04d44826be" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "signal" DROP CONSTRAINT "FK_56f6438919964e04e04d44826be"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_signal_incident"`);
    await queryRunner.query(`ALTER TABLE "signal" DROP COLUMN "incident_id"`);
    await queryRunner.query(`DROP TABLE "incident_prefix"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_key_incident"`);
    await queryRunner.query(`DROP TABLE "incident_key"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_open_window"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_incident_revision"`);
    await queryRunner.query(`DROP TABLE "incident"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_event_incident"`);
    await queryRunner.query(`DROP TABLE "incident_event"`);
  }
}
