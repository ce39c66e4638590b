import { MigrationInterface, QueryRunner } from 'typeorm';

export class SignalRollup1795419556734 implements MigrationInterface {
  name = 'SignalRollup1795419556734';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "signal_rollup" ("hour" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" text NOT NULL, "region" text NOT NULL, "service" text NOT NULL, "tlp" text NOT NULL, "org_id" uuid NOT NULL, "signal_count" integer NOT NULL, "affected_users" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_ad090ee527c90f8c06257fa04c2" PRIMARY KEY ("hour", "kind", "region", "service", "tlp", "org_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_signal_rollup_hour" ON "signal_rollup"  ("hour") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_signal_rollup_hour"`);
    await queryRunner.query(`DROP TABLE "signal_rollup"`);
  }
}
