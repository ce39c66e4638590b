import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: TypeORM cannot declare GIN or GiST indexes, so the entities mark
 * these `synchronize: false`. The GIN index serves the access policy's
 * `audience && viewer_tokens`; the GiST index serves route-prefix overlap in correlation.
 */
export class IncidentIndexes1795418900000 implements MigrationInterface {
  name = 'IncidentIndexes1795418900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_incident_audience" ON "incident" USING GIN ("audience")`);
    await queryRunner.query(`CREATE INDEX "IDX_incident_prefix_overlap" ON "incident_prefix" USING GIST ("prefix" inet_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_prefix_overlap"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_audience"`);
  }
}
