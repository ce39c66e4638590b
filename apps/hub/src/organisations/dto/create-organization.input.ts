import { Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayUnique, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { OrgKind } from '@kessetsu/schema';
import { AsnScalar } from '../../common/asn.scalar.js';
import { IsRegionCode } from '../../signals/dto/region-code.validator.js';

@InputType()
export class CreateOrganizationInput {
  @Field()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name: string;

  @Field(() => OrgKind)
  kind: OrgKind;

  @Field(() => [AsnScalar], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  asns?: number[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(49)
  @ArrayUnique()
  @IsRegionCode({ each: true })
  regions?: string[] | null;
}
