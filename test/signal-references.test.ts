import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { OrgKind } from '@kessetsu/schema';
import { OrganisationsService } from '../apps/hub/src/organisations/organisations.service.js';
import { graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { PUBLISH, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/**
 * A signal's organisation and incident are checked per statement by triggers, not by
 * foreign keys (migration SignalReferencesBySet): they must refuse everything the keys refused.
 */
describe('references of stored signals', () => {
  let hub: TestHub;
  let carrier: Member;
  let client: pg.Client;
  let published: { id: string; incidentId: string };

  beforeAll(async () => {
    hub = await startTestHub();
    ({ carrier } = await seedMembers(hub, { carrier: { kind: OrgKind.CARRIER } }));
    const data = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop()] }, { token: carrier.token });
    client = new pg.Client({ connectionString: hub.databaseUrl });
    await client.connect();
    const [row] = (await client.query(`SELECT id, incident_id FROM signal WHERE id = $1`, [data.publishSignals[0].signal.id])).rows;
    published = { id: row.id, incidentId: row.incident_id };
  });

  afterAll(async () => {
    await client?.end();
    await hub?.close();
  });

  const organisation = (name: string) =>
    hub.app.get(OrganisationsService).insert({ name: `${name}-${Date.now()}`, kind: OrgKind.CARRIER, asns: [], regions: ['NATIONWIDE'] });

  /** A copy of the published signal under a new id and sourceRef, for `orgId` and `incidentId`. */
  const insertSignal = (db: pg.Client, orgId: string, incidentId: string | null) =>
    db.query(
      `INSERT INTO signal (id, org_id, source_ref, kind, severity, tlp, audience, observed_start, regions, details, incident_id)
       SELECT gen_random_uuid(), $1, gen_random_uuid()::text, kind, severity, tlp, audience, observed_start, regions, details, $2
       FROM signal WHERE id = $3`,
      [orgId, incidentId, published.id],
    );

  const refused = (column: string, message: RegExp) => expect.objectContaining({ code: '23503', column, message: expect.stringMatching(message) });

  it('refuses signals of an unknown organisation or incident, inserted or copied in', async () => {
    await expect(insertSignal(client, UNKNOWN, published.incidentId)).rejects.toEqual(refused('org_id', /org_id .* is not an organisation/));
    await expect(insertSignal(client, carrier.org.id, UNKNOWN)).rejects.toEqual(refused('incident_id', /incident_id .* is not an incident/));
    await expect(client.query(`UPDATE signal SET incident_id = $1 WHERE id = $2`, [UNKNOWN, published.id])).rejects.toEqual(
      refused('incident_id', /is not an incident/),
    );
    const { rows } = await client.query(
      `SELECT kind, severity, tlp, audience::text, observed_start, regions::text, details::text FROM signal WHERE id = $1`,
      [published.id],
    );
    const line = [randomUUID(), UNKNOWN, 'copied', ...Object.values(rows[0]).map((value) => (value instanceof Date ? value.toISOString() : value))]
      .map((value) => `"${String(value).replace(/"/g, '""')}"`)
      .join(',');
    const copy = client.query(
      copyStreams.from(`COPY signal (id, org_id, source_ref, kind, severity, tlp, audience, observed_start, regions, details) FROM STDIN WITH (FORMAT csv)`),
    );
    await expect(pipeline(Readable.from([`${line}\n`]), copy)).rejects.toEqual(refused('org_id', /is not an organisation/));
    expect((await insertSignal(client, carrier.org.id, published.incidentId)).rowCount).toBe(1);
  });

  it('keeps organisations and incidents that signals refer to', async () => {
    await expect(client.query(`DELETE FROM incident WHERE id = $1`, [published.incidentId])).rejects.toEqual(refused('incident_id', /signals refer to incident/));
    await expect(client.query(`TRUNCATE incident`)).rejects.toEqual(refused('incident_id', /signals refer to incident/));
    await expect(client.query(`UPDATE incident SET id = gen_random_uuid() WHERE id = $1`, [published.incidentId])).rejects.toEqual(
      refused('id', /incident.id cannot change/),
    );
    const referred = await organisation('referred');
    await insertSignal(client, referred.id, null);
    await expect(client.query(`DELETE FROM organisation WHERE id = $1`, [referred.id])).rejects.toEqual(refused('org_id', /signals refer to organisation/));
    const unreferred = await organisation('unreferred');
    expect((await client.query(`DELETE FROM organisation WHERE id = $1`, [unreferred.id])).rowCount).toBe(1);
  });

  it('makes a delete racing a publish wait for it, then refuses it', async () => {
    const racing = await organisation('racing');
    const deleter = new pg.Client({ connectionString: hub.databaseUrl });
    await deleter.connect();
    try {
      await client.query('BEGIN');
      await insertSignal(client, racing.id, null);
      let settled = false;
      const deletion = deleter.query(`DELETE FROM organisation WHERE id = $1`, [racing.id]).finally(() => (settled = true));
      deletion.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      await client.query('COMMIT');
      await expect(deletion).rejects.toEqual(refused('org_id', /signals refer to organisation/));
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      await deleter.end();
    }
  });
});
