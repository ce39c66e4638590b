import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A name for an organisation that is stable inside one scope (an incident, or a UTC
 * day before incidents exist) and unlinkable across scopes without the hub's key.
 * 30 bits keep collisions between the handful of orgs in one scope negligible.
 */
export function pseudonymFor(key: Buffer, scope: string, orgId: string): string {
  const digest = createHmac('sha256', key).update(`${scope}\u0000${orgId}`).digest();
  let value = digest.readUInt32BE(0) >>> 2;
  let name = '';
  for (let i = 0; i < 6; i += 1) {
    name += ALPHABET[value & 31];
    value >>>= 5;
  }
  return `org-${name}`;
}

export function dayScope(observedStart: Date): string {
  return `day:${observedStart.toISOString().slice(0, 10)}`;
}

export function incidentScope(incidentId: string): string {
  return `incident:${incidentId}`;
}
