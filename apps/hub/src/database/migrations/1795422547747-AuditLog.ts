import { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditLog1795422547747 implements MigrationInterface {
  name = 'AuditLog1795422547747';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "audit_event" ("id" uuid NOT NULL, "sequence" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "action" text NOT NULL, "actor_org_id" uuid, "actor_user_id" uuid, "actor_api_key_id" uuid, "target_type" text NOT NULL, "target_ids" text array NOT NULL DEFAULT '{}', "details" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_audit_event_sequence" ON "audit_event"  ("sequence") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_audit_event_sequence"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
  }
}
