import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data migration, written by hand: TLP:RED recipients now receive through a
 * `recipient:<org>` token, held only by credentials that may read, instead of the
 * `org:<org>` token every credential of the organisation holds (which let
 * publish-only keys read RED records addressed to them). Recomputes stored audiences.
 */
export class RedRecipientTokens1795420800000 implements MigrationInterface {
  name = 'RedRecipientTokens1795420800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['signal', 'advisory']) {
      await queryRunner.query(
        `UPDATE "${table}" SET audience = ARRAY(SELECT t FROM unnest(audience) t WHERE t NOT LIKE 'org:%')
           || ARRAY['org:' || org_id::text]
           || ARRAY(SELECT DISTINCT 'recipient:' || r::text FROM unnest(recipient_org_ids) r WHERE r <> org_id)
         WHERE tlp = 'RED'`,
      );
    }
    await queryRunner.query(
      `UPDATE "incident" SET audience = ARRAY(SELECT t FROM unnest(audience) t WHERE t NOT LIKE 'org:%')
         || ARRAY(SELECT 'org:' || p::text FROM unnest(org_ids) p)
         || ARRAY(SELECT DISTINCT 'recipient:' || r::text FROM unnest(recipient_org_ids) r WHERE NOT r = ANY(org_ids))
       WHERE tlp = 'RED'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['signal', 'advisory', 'incident']) {
      await queryRunner.query(
        `UPDATE "${table}" SET audience = ARRAY(SELECT DISTINCT regexp_replace(t, '^recipient:', 'org:') FROM unnest(audience) t) WHERE tlp = 'RED'`,
      );
    }
  }
}
