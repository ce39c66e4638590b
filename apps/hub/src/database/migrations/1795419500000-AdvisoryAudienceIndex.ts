import { MigrationInterface, QueryRunner } from 'typeorm';

/** Written by hand (TypeORM cannot declare GIN indexes): serves `advisory.audience && viewer_tokens`. */
export class AdvisoryAudienceIndex1795419500000 implements MigrationInterface {
  name = 'AdvisoryAudienceIndex1795419500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_advisory_audience" ON "advisory" USING GIN ("audience")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_advisory_audience"`);
  }
}
