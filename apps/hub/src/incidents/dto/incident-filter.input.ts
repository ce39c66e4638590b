import { Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, IsOptional } from 'class-validator';
import { IncidentStatus, SignalKind } from '@kessetsu/schema';
import { IsRegionCode } from '../../signals/dto/region-code.validator.js';

@InputType()
export class IncidentFilter {
  @Field(() => [IncidentStatus], { nullable: true, description: 'Defaults to open incidents (SINGLE_ORG, CROSS_CARRIER).' })
  @IsOptional()
  statuses?: IncidentStatus[] | null;

  @Field(() => [SignalKind], { nullable: true })
  @IsOptional()
  kinds?: SignalKind[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(49)
  @IsRegionCode({ each: true })
  regions?: string[] | null;
}
