import { NATIONWIDE, INTERNATIONAL } from '@kessetsu/schema';
import type { SqlParams } from '../common/sql-params.js';
import type { SignalFilter } from './dto/signal-filter.input.js';

/**
 * The one meaning of a SignalFilter, stated twice in lock-step: as SQL for queries and
 * replays, and as a predicate for the live feed. The spec checks they agree.
 * A NATIONWIDE signal matches any prefecture in a region filter.
 */
export interface FilterableSignal {
  kind: string;
  severity: string;
  regions: readonly string[];
  service: string | null;
  observedStart: Date;
  observedEnd: Date | null;
}

const nonEmpty = <T>(values: readonly T[] | null | undefined): values is readonly T[] =>
  Array.isArray(values) && values.length > 0;

function regionsMatched(filterRegions: readonly string[]): string[] {
  const asksForPrefecture = filterRegions.some((code) => code !== NATIONWIDE && code !== INTERNATIONAL);
  return asksForPrefecture && !filterRegions.includes(NATIONWIDE) ? [...filterRegions, NATIONWIDE] : [...filterRegions];
}

export function signalFilterSql(filter: SignalFilter | null | undefined, params: SqlParams, alias = 's'): string[] {
  if (!filter) return [];
  const clauses: string[] = [];
  if (nonEmpty(filter.kinds)) clauses.push(`${alias}.kind = ANY(${params.add(filter.kinds)}::text[])`);
  if (nonEmpty(filter.severities)) clauses.push(`${alias}.severity = ANY(${params.add(filter.severities)}::text[])`);
  if (nonEmpty(filter.services)) clauses.push(`${alias}.service = ANY(${params.add(filter.services)}::text[])`);
  if (nonEmpty(filter.regions)) clauses.push(`${alias}.regions && ${params.add(regionsMatched(filter.regions))}::text[]`);
  if (filter.observedFrom) {
    clauses.push(`COALESCE(${alias}.observed_end, 'infinity') >= ${params.add(filter.observedFrom)}::timestamptz`);
  }
  if (filter.observedTo) clauses.push(`${alias}.observed_start <= ${params.add(filter.observedTo)}::timestamptz`);
  return clauses;
}

export function signalMatchesFilter(signal: FilterableSignal, filter: SignalFilter | null | undefined): boolean {
  if (!filter) return true;
  if (nonEmpty(filter.kinds) && !filter.kinds.includes(signal.kind as never)) return false;
  if (nonEmpty(filter.severities) && !filter.severities.includes(signal.severity as never)) return false;
  if (nonEmpty(filter.services) && (signal.service === null || !filter.services.includes(signal.service))) return false;
  if (nonEmpty(filter.regions)) {
    const wanted = new Set(regionsMatched(filter.regions));
    if (!signal.regions.some((code) => wanted.has(code))) return false;
  }
  if (filter.observedFrom && signal.observedEnd !== null && signal.observedEnd < filter.observedFrom) return false;
  if (filter.observedTo && signal.observedStart > filter.observedTo) return false;
  return true;
}
