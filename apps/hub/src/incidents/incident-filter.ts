import { IncidentStatus, NATIONWIDE } from '@kessetsu/schema';
import type { SqlParams } from '../common/sql-params.js';
import type { IncidentFilter } from './dto/incident-filter.input.js';
import type { StoredIncident } from './incident-store.js';

/** The one meaning of an IncidentFilter, as SQL for queries and as a predicate for the live feed. */
const OPEN_STATUSES = [IncidentStatus.SINGLE_ORG, IncidentStatus.CROSS_CARRIER];

const statusesOf = (filter: IncidentFilter | null | undefined) => (filter?.statuses?.length ? filter.statuses : null);
const regionsOf = (filter: IncidentFilter | null | undefined) =>
  filter?.regions?.length ? [...new Set([...filter.regions, NATIONWIDE])] : null;

/** Open incidents unless statuses are given. */
export function incidentFilterSql(filter: IncidentFilter | null | undefined, params: SqlParams): string[] {
  const clauses = [`i.status = ANY(${params.add(statusesOf(filter) ?? OPEN_STATUSES)}::text[])`];
  if (filter?.kinds?.length) clauses.push(`i.kinds && ${params.add(filter.kinds)}::text[]`);
  const regions = regionsOf(filter);
  if (regions) clauses.push(`i.regions && ${params.add(regions)}::text[]`);
  return clauses;
}

/**
 * The live feed also reports an incident leaving the filter's statuses (e.g. becoming
 * RESOLVED) when no statuses are asked for, so boards can remove it.
 */
export function incidentMatchesFilter(incident: StoredIncident, filter: IncidentFilter | null | undefined): boolean {
  const statuses = statusesOf(filter);
  if (statuses && !statuses.includes(incident.status)) return false;
  if (filter?.kinds?.length && !incident.kinds.some((kind) => filter.kinds!.includes(kind as never))) return false;
  const regions = regionsOf(filter);
  if (regions && !incident.regions.some((region) => regions.includes(region))) return false;
  return true;
}
