import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (TypeORM does not model functions): what a transaction written before it
 * holds the ordered-write lock checks under it (database/write-lock.ts). A check that
 * fails ends the transaction with SQLSTATE KA001, which rolls back whatever it wrote, and
 * the writer does its work again the way that reads first.
 */
export class OrderedWriteAssumptions1796800000000 implements MigrationInterface {
  name = 'OrderedWriteAssumptions1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION ordered_write_assumes(holds boolean, assumption text) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        IF holds IS NOT TRUE THEN
          RAISE EXCEPTION 'the ordered write assumed that %, which no longer holds', assumption USING ERRCODE = 'KA001';
        END IF;
        RETURN true;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION ordered_write_assumes(boolean, text)`);
  }
}
