import { hkdfSync, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { HubConfig } from '../config/hub-config.js';

export interface HubSecrets {
  jwtSecret: string;
  pseudonymKey: Buffer;
}

export const HUB_SECRETS = Symbol('HUB_SECRETS');

const MASTER_SECRET_NAME = 'master';

function derive(master: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, 'kessetsu', purpose, 32));
}

/**
 * Derives every key from one master secret. Without HUB_SECRET (allowed outside
 * production) the master is generated once and kept in the database, so that every
 * hub process on that database signs tokens and names pseudonyms alike.
 */
export async function loadHubSecrets(config: HubConfig, dataSource: DataSource): Promise<HubSecrets> {
  let master = config.HUB_SECRET;
  if (!master) {
    await dataSource.query(`INSERT INTO hub_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      MASTER_SECRET_NAME,
      randomBytes(48).toString('base64url'),
    ]);
    const [row] = await dataSource.query(`SELECT value FROM hub_secret WHERE name = $1`, [MASTER_SECRET_NAME]);
    master = row.value as string;
  }
  return { jwtSecret: derive(master, 'jwt').toString('base64url'), pseudonymKey: derive(master, 'pseudonym') };
}
