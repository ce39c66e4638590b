import { MigrationInterface, QueryRunner } from 'typeorm';

export class AggregateSnapshots1795440782552 implements MigrationInterface {
  name = 'AggregateSnapshots1795440782552';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "aggregate_snapshot" ("bucket" text NOT NULL, "tlp_ceiling" text NOT NULL, "bucket_start" TIMESTAMP WITH TIME ZONE NOT NULL, "cell_layout" text NOT NULL, "cell_keys" text NOT NULL, "cell_counts" json NOT NULL, "version" BIGSERIAL NOT NULL, CONSTRAINT "PK_8ec2eb37c3673d93a1d17f72c52" PRIMARY KEY ("bucket", "tlp_ceiling", "bucket_start"))`);
    await queryRunner.query(`CREATE TABLE "aggregate_stale" ("bucket" text NOT NULL, "bucket_start" TIMESTAMP WITH TIME ZONE NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_96866926efd7ccaf103b68afc92" PRIMARY KEY ("bucket", "bucket_start"))`);
    // Hand-added: snapshots are read whole and often; uncompressed out-of-line storage reads faster than pglz.
    await queryRunner.query(`ALTER TABLE "aggregate_snapshot" ALTER COLUMN "cell_keys" SET STORAGE EXTERNAL, ALTER COLUMN "cell_counts" SET STORAGE EXTERNAL`);
    // Hand-added: every bucket with rollups starts stale, so its first reader builds its snapshot.
    await queryRunner.query(`INSERT INTO "aggregate_stale" ("bucket", "bucket_start")
      SELECT DISTINCT 'HOUR', "hour" FROM "signal_rollup"
      UNION SELECT DISTINCT 'DAY', date_trunc('day', "hour" AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo' FROM "signal_rollup"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "aggregate_stale"`);
    await queryRunner.query(`DROP TABLE "aggregate_snapshot"`);
  }
}
