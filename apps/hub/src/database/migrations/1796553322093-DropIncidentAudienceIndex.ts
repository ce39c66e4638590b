import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every ingest transaction rewrites the hundreds of incidents its signals join, and each
 * new row version added its audience tokens to this GIN index: the ingest bench's update
 * of 940 incidents took 19 ms with it and 12 ms without (bench/README.md). Incident
 * reads order by revision and stop at a page, so Postgres walks the revision index and
 * tests the audience on the rows it meets; with 100,000 incidents it chose the GIN index
 * only for a list that matched nothing, where the open-status index serves as well.
 */
export class DropIncidentAudienceIndex1796553322093 implements MigrationInterface {
  name = 'DropIncidentAudienceIndex1796553322093';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_audience"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_incident_audience" ON "incident" USING GIN ("audience")`);
  }
}
