import { MigrationInterface, QueryRunner } from 'typeorm';

export class Advisories1795419366719 implements MigrationInterface {
  name = 'Advisories1795419366719';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "advisory" ("id" uuid NOT NULL, "sequence" BIGSERIAL NOT NULL, "org_id" uuid NOT NULL, "published_by" uuid, "title" text NOT NULL, "body" text NOT NULL, "tlp" text NOT NULL, "recipient_org_ids" uuid array NOT NULL DEFAULT '{}', "audience" text array NOT NULL, "incident_id" uuid, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_advisory_tlp" CHECK ("tlp" IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')), CONSTRAINT "PK_062aa2b6488afb9cf7a2352cdc2" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_advisory_sequence" ON "advisory"  ("sequence") `);
    await queryRunner.query(`CREATE INDEX "IDX_advisory_incident" ON "advisory"  ("incident_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_advisory_incident"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_advisory_sequence"`);
    await queryRunner.query(`DROP TABLE "advisory"`);
  }
}
