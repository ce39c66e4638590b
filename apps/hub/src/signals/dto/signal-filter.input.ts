import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsDate, IsOptional, IsString } from 'class-validator';
import { Severity, SignalKind } from '@kessetsu/schema';
import { IsRegionCode } from './region-code.validator.js';

/** Narrows a signal query or live feed. Lists are OR within a field, AND across fields. */
@InputType()
export class SignalFilter {
  @Field(() => [SignalKind], { nullable: true })
  @IsOptional()
  kinds?: SignalKind[] | null;

  @Field(() => [String], { nullable: true, description: 'Matches signals touching any of these regions.' })
  @IsOptional()
  @ArrayMaxSize(49)
  @IsRegionCode({ each: true })
  regions?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  services?: string[] | null;

  @Field(() => [Severity], { nullable: true })
  @IsOptional()
  severities?: Severity[] | null;

  @Field(() => Date, { nullable: true, description: 'Signals whose observed window ends at or after this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  observedFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Signals whose observed window starts at or before this time.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  observedTo?: Date | null;
}
