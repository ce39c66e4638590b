import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsDate,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import {
  MaintenanceDetails,
  ResolverFailureDetails,
  RouteAnomalyDetails,
  ServiceOutageDetails,
  TrafficDropDetails,
} from '../signal-details.js';
import { IsRegionCode } from './region-code.validator.js';

export const MAX_TEXT_LENGTH = 4000;

@InputType()
export class SignalInput {
  @Field({ description: "The publisher's own reference; re-sending it returns the stored signal." })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'sourceRef must be printable ASCII without spaces' })
  sourceRef: string;

  @Field(() => SignalKind)
  kind: SignalKind;

  @Field(() => Severity)
  severity: Severity;

  @Field(() => TlpLabel)
  tlp: TlpLabel;

  @Field(() => [ID], { nullable: true, description: 'Organisations that may receive a TLP:RED signal.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'each recipient must be an organisation id' })
  recipientOrgIds?: string[] | null;

  @Field()
  @Type(() => Date)
  @IsDate()
  observedStart: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  observedEnd?: Date | null;

  @Field(() => [String], { description: 'JIS X 0401 prefecture codes (01-47), NATIONWIDE or INTERNATIONAL.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(49)
  @ArrayUnique()
  @IsRegionCode({ each: true })
  regions: string[];

  @Field(() => String, { nullable: true, description: 'Affected service, e.g. internet, dns, mail, mobile-data.' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, {
    message: 'service must be a lower-case token of letters, digits, dot, dash or underscore (at most 64)',
  })
  service?: string | null;

  @Field(() => String, { nullable: true, description: 'Free text; scrubbed of personal data for other organisations.' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TEXT_LENGTH)
  text?: string | null;

  @Field(() => TrafficDropDetails, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TrafficDropDetails)
  trafficDrop?: TrafficDropDetails | null;

  @Field(() => RouteAnomalyDetails, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RouteAnomalyDetails)
  routeAnomaly?: RouteAnomalyDetails | null;

  @Field(() => ResolverFailureDetails, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResolverFailureDetails)
  resolverFailure?: ResolverFailureDetails | null;

  @Field(() => ServiceOutageDetails, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceOutageDetails)
  serviceOutage?: ServiceOutageDetails | null;

  @Field(() => MaintenanceDetails, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MaintenanceDetails)
  maintenance?: MaintenanceDetails | null;
}
