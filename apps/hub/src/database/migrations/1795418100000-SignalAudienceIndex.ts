import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: TypeORM cannot declare GIN indexes, so the entity marks
 * IDX_signal_audience `synchronize: false` and this migration owns it. It serves
 * the access policy's `audience && viewer_tokens` test on every signal read.
 */
export class SignalAudienceIndex1795418100000 implements MigrationInterface {
  name = 'SignalAudienceIndex1795418100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_signal_audience" ON "signal" USING GIN ("audience")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_signal_audience"`);
  }
}
