import { Severity, SignalKind } from '@kessetsu/schema';
import { SqlParams } from '../common/sql-params.js';
import type { SignalFilter } from './dto/signal-filter.input.js';
import { FilterableSignal, signalFilterSql, signalMatchesFilter } from './signal-filter.js';

const at = (hhmm: string) => new Date(`2017-08-25T${hhmm}:00+09:00`);

/** A KDDI-side traffic drop in Tokyo from 12:22 to 16:47 JST. */
const signal = (overrides: Partial<FilterableSignal> = {}): FilterableSignal => ({
  kind: SignalKind.TRAFFIC_DROP,
  severity: Severity.MAJOR,
  regions: ['13'],
  service: 'internet',
  observedStart: at('12:22'),
  observedEnd: at('16:47'),
  ...overrides,
});

describe('signalMatchesFilter', () => {
  it.each([
    ['no filter', null],
    ['an undefined filter', undefined],
    ['an empty filter', {}],
    ['empty lists', { kinds: [], severities: [], services: [], regions: [] }],
  ])('lets everything through with %s', (_case, filter) => {
    expect(signalMatchesFilter(signal(), filter as SignalFilter | null | undefined)).toBe(true);
  });

  it.each<[string, SignalFilter, boolean]>([
    ['kind listed', { kinds: [SignalKind.ROUTE_ANOMALY, SignalKind.TRAFFIC_DROP] }, true],
    ['kind not listed', { kinds: [SignalKind.MAINTENANCE] }, false],
    ['severity listed', { severities: [Severity.MAJOR, Severity.CRITICAL] }, true],
    ['severity not listed', { severities: [Severity.INFO] }, false],
    ['service listed', { services: ['dns', 'internet'] }, true],
    ['service not listed', { services: ['mail'] }, false],
    ['region listed', { regions: ['27', '13'] }, true],
    ['region not listed', { regions: ['27'] }, false],
    ['all fields matching', { kinds: [SignalKind.TRAFFIC_DROP], severities: [Severity.MAJOR], services: ['internet'], regions: ['13'] }, true],
    ['one field of several not matching (AND across fields)', { kinds: [SignalKind.TRAFFIC_DROP], regions: ['27'] }, false],
  ])('%s', (_case, filter, expected) => {
    expect(signalMatchesFilter(signal(), filter)).toBe(expected);
  });

  it('does not match a service filter when the signal names no service', () => {
    expect(signalMatchesFilter(signal({ service: null }), { services: ['internet'] })).toBe(false);
  });

  describe('regions', () => {
    it.each<[string, string[], string[], boolean]>([
      ['a NATIONWIDE signal matches a prefecture filter', ['NATIONWIDE'], ['13'], true],
      ['a NATIONWIDE signal matches a filter of several prefectures', ['NATIONWIDE'], ['01', '47'], true],
      ['a NATIONWIDE signal matches a NATIONWIDE filter', ['NATIONWIDE'], ['NATIONWIDE'], true],
      ['a NATIONWIDE signal does not match an INTERNATIONAL-only filter', ['NATIONWIDE'], ['INTERNATIONAL'], false],
      ['an INTERNATIONAL signal does not match a prefecture filter', ['INTERNATIONAL'], ['13'], false],
      ['an INTERNATIONAL signal matches an INTERNATIONAL filter', ['INTERNATIONAL'], ['INTERNATIONAL'], true],
      ['a signal in several prefectures matches any of them', ['13', '14', '11'], ['11'], true],
      ['another prefecture does not match', ['14'], ['13'], false],
    ])('%s', (_case, regions, filterRegions, expected) => {
      expect(signalMatchesFilter(signal({ regions }), { regions: filterRegions })).toBe(expected);
    });
  });

  describe('observed window', () => {
    it.each<[string, Partial<FilterableSignal>, SignalFilter, boolean]>([
      ['ended before observedFrom', {}, { observedFrom: at('17:00') }, false],
      ['ends exactly at observedFrom', {}, { observedFrom: at('16:47') }, true],
      ['ends after observedFrom', {}, { observedFrom: at('13:00') }, true],
      ['open-ended, started long before observedFrom', { observedStart: at('00:10'), observedEnd: null }, { observedFrom: at('23:00') }, true],
      ['starts after observedTo', {}, { observedTo: at('12:00') }, false],
      ['starts exactly at observedTo', {}, { observedTo: at('12:22') }, true],
      ['starts before observedTo', {}, { observedTo: at('13:00') }, true],
      ['open-ended, starts after observedTo', { observedEnd: null }, { observedTo: at('12:00') }, false],
      ['open-ended, starts before observedTo', { observedEnd: null }, { observedTo: at('13:00') }, true],
      ['overlaps a window from-to', {}, { observedFrom: at('16:00'), observedTo: at('18:00') }, true],
      ['lies inside a window from-to', {}, { observedFrom: at('09:00'), observedTo: at('18:00') }, true],
      ['lies after a window from-to', {}, { observedFrom: at('09:00'), observedTo: at('10:00') }, false],
      ['open-ended, overlaps a later window from-to', { observedEnd: null }, { observedFrom: at('20:00'), observedTo: at('21:00') }, true],
    ])('a signal that %s', (_case, overrides, filter, expected) => {
      expect(signalMatchesFilter(signal(overrides), filter)).toBe(expected);
    });
  });
});

describe('signalFilterSql', () => {
  const placeholders = (clause: string) => [...clause.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));

  it('adds nothing without a filter', () => {
    const params = new SqlParams();
    expect(signalFilterSql(null, params)).toEqual([]);
    expect(signalFilterSql(undefined, params)).toEqual([]);
    expect(signalFilterSql({ kinds: [], regions: [] }, params)).toEqual([]);
    expect(params.values).toEqual([]);
  });

  it.each<[string, SignalFilter, string, unknown]>([
    ['kinds', { kinds: [SignalKind.ROUTE_ANOMALY] }, 'kind', [SignalKind.ROUTE_ANOMALY]],
    ['severities', { severities: [Severity.CRITICAL] }, 'severity', [Severity.CRITICAL]],
    ['services', { services: ['dns'] }, 'service', ['dns']],
    ['observedFrom', { observedFrom: at('12:00') }, 'observed_end', at('12:00')],
    ['observedTo', { observedTo: at('18:00') }, 'observed_start', at('18:00')],
  ])('puts %s in a parameter', (_case, filter, column, value) => {
    const params = new SqlParams();
    const clauses = signalFilterSql(filter, params);
    expect(clauses).toHaveLength(1);
    expect(clauses[0]).toContain(`s.${column}`);
    expect(placeholders(clauses[0])).toEqual([1]);
    expect(params.values).toEqual([value]);
  });

  it('treats an open-ended signal as still running when filtering by observedFrom', () => {
    const [clause] = signalFilterSql({ observedFrom: at('12:00') }, new SqlParams());
    expect(clause).toMatch(/COALESCE\(s\.observed_end|s\.observed_end IS NULL/i);
  });

  it('lets NATIONWIDE signals match a prefecture filter in SQL too', () => {
    const params = new SqlParams();
    const [clause] = signalFilterSql({ regions: ['13'] }, params);
    expect(clause).toContain('s.regions');
    expect(placeholders(clause)).toEqual([1]);
    expect(params.values).toHaveLength(1);
    expect([...(params.values[0] as string[])].sort()).toEqual(['13', 'NATIONWIDE']);
  });

  it('does not widen an INTERNATIONAL-only region filter', () => {
    const params = new SqlParams();
    signalFilterSql({ regions: ['INTERNATIONAL'] }, params);
    expect(params.values).toEqual([['INTERNATIONAL']]);
  });

  it('uses the given table alias', () => {
    const clauses = signalFilterSql({ kinds: [SignalKind.MAINTENANCE], observedTo: at('18:00') }, new SqlParams(), 'sig');
    for (const clause of clauses) expect(clause).toMatch(/\bsig\./);
    for (const clause of clauses) expect(clause).not.toMatch(/\bs\./);
  });

  it('numbers parameters after those already collected, one per field', () => {
    const params = new SqlParams();
    params.add('audience');
    const clauses = signalFilterSql(
      {
        kinds: [SignalKind.TRAFFIC_DROP],
        severities: [Severity.MAJOR],
        services: ['internet'],
        regions: ['13'],
        observedFrom: at('12:00'),
        observedTo: at('18:00'),
      },
      params,
    );
    expect(clauses).toHaveLength(6);
    expect(clauses.flatMap(placeholders).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(params.values).toHaveLength(7);
  });

  it('never inlines a value: a malicious service string appears only in the parameters', () => {
    const evil = "x'; drop table signal; --";
    const params = new SqlParams();
    const clauses = signalFilterSql({ services: [evil], regions: [evil], kinds: [evil as SignalKind], severities: [evil as Severity] }, params);
    expect(clauses).toHaveLength(4);
    for (const clause of clauses) {
      expect(clause).not.toContain(evil);
      expect(clause).not.toMatch(/drop table/i);
      expect(clause).not.toContain("x'");
    }
    expect(params.values).toContainEqual([evil]);
    expect(JSON.stringify(params.values)).toContain('drop table signal');
  });
});
