import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (TypeORM does not model storage parameters): incident pages keep half
 * their space free. Every ingest transaction writes a new version of each incident it
 * joins, and the revision index keeps those updates from being HOT; with full pages each
 * version went to a new page at the end of the table (2,006 pages after 60 updates of 940
 * incidents without a vacuum, against 238 with pages half full, where a version stays on
 * its page and the page's dead versions are pruned as it fills). Those updates took 7.0 ms
 * on full pages and 6.1 ms on half-full ones (bench/README.md).
 */
export class IncidentFillfactor1796572470891 implements MigrationInterface {
  name = 'IncidentFillfactor1796572470891';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incident" SET (fillfactor = 50)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incident" RESET (fillfactor)`);
  }
}
