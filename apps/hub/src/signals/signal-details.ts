import { Field, Float, InputType, Int, ObjectType, createUnionType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsDate,
  IsFQDN,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  OutageSymptom,
  ResolverFailureMode,
  ResolverRole,
  RouteAnomalyType,
  SignalKind,
} from '@kessetsu/schema';
import { AsnScalar } from '../common/asn.scalar.js';
import { IsIpPrefix } from './ip-prefix.js';

registerEnumType(RouteAnomalyType, { name: 'RouteAnomalyType' });
registerEnumType(ResolverRole, { name: 'ResolverRole' });
registerEnumType(ResolverFailureMode, { name: 'ResolverFailureMode' });
registerEnumType(OutageSymptom, { name: 'OutageSymptom' });

/** Prefixes listed in one signal; a larger leak is described by `prefixCount` and a sample. */
export const MAX_PREFIXES_PER_SIGNAL = 1000;
const MAX_AFFECTED_USERS = 200_000_000;

@InputType('TrafficDropInput')
@ObjectType('TrafficDropDetails')
export class TrafficDropDetails {
  @Field(() => Float, { description: 'Drop against the usual level, in percent (0-100].' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(100)
  dropPercent: number;

  @Field(() => AsnScalar, { nullable: true, description: 'The peer or upstream whose traffic dropped.' })
  @IsOptional()
  peerAsn?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AFFECTED_USERS)
  affectedUsers?: number | null;
}

@InputType('RouteAnomalyInput')
@ObjectType('RouteAnomalyDetails')
export class RouteAnomalyDetails {
  @Field(() => RouteAnomalyType)
  anomalyType: RouteAnomalyType;

  @Field(() => [String], { description: `Affected prefixes in CIDR form (at most ${MAX_PREFIXES_PER_SIGNAL}).` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PREFIXES_PER_SIGNAL)
  @IsIpPrefix({ each: true })
  prefixes: string[];

  @Field(() => AsnScalar, { nullable: true })
  @IsOptional()
  originAsn?: number | null;

  @Field(() => AsnScalar, { nullable: true, description: 'The AS that propagated routes it should not have.' })
  @IsOptional()
  leakingAsn?: number | null;

  @Field(() => [AsnScalar], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(64)
  asPath?: number[] | null;

  @Field(() => Int, { nullable: true, description: 'Total prefixes affected; defaults to the number listed.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  prefixCount?: number | null;
}

@InputType('ResolverFailureInput')
@ObjectType('ResolverFailureDetails')
export class ResolverFailureDetails {
  @Field(() => ResolverRole)
  resolverRole: ResolverRole;

  @Field(() => ResolverFailureMode)
  failureMode: ResolverFailureMode;

  @Field(() => Float, { description: 'Share of queries failing, in percent [0-100].' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  failureRate: number;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsFQDN({ require_tld: true, allow_trailing_dot: true }, { each: true, message: 'each domain must be a domain name' })
  domains?: string[] | null;
}

@InputType('ServiceOutageInput')
@ObjectType('ServiceOutageDetails')
export class ServiceOutageDetails {
  @Field(() => OutageSymptom)
  symptom: OutageSymptom;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AFFECTED_USERS)
  affectedUsers?: number | null;
}

@InputType('MaintenanceInput')
@ObjectType('MaintenanceDetails')
export class MaintenanceDetails {
  @Field()
  @Type(() => Date)
  @IsDate()
  plannedStart: Date;

  @Field()
  @Type(() => Date)
  @IsDate()
  plannedEnd: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

/** Which input field carries the details of each kind, and the class that validates them. */
export const DETAILS_BY_KIND = {
  [SignalKind.TRAFFIC_DROP]: { field: 'trafficDrop', type: TrafficDropDetails },
  [SignalKind.ROUTE_ANOMALY]: { field: 'routeAnomaly', type: RouteAnomalyDetails },
  [SignalKind.RESOLVER_FAILURE]: { field: 'resolverFailure', type: ResolverFailureDetails },
  [SignalKind.SERVICE_OUTAGE]: { field: 'serviceOutage', type: ServiceOutageDetails },
  [SignalKind.MAINTENANCE]: { field: 'maintenance', type: MaintenanceDetails },
} as const;

export type DetailsField = (typeof DETAILS_BY_KIND)[SignalKind]['field'];
export const DETAILS_FIELDS = Object.values(DETAILS_BY_KIND).map((entry) => entry.field);

/** Details as stored in the signal's jsonb column (dates as ISO strings). */
export type SignalDetailsRecord = Record<string, unknown>;

export const SignalDetailsUnion = createUnionType({
  name: 'SignalDetails',
  types: () =>
    [TrafficDropDetails, RouteAnomalyDetails, ResolverFailureDetails, ServiceOutageDetails, MaintenanceDetails] as const,
  resolveType: (details: { kind: SignalKind }) => DETAILS_BY_KIND[details.kind].type,
});
