import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayUnique, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { TlpLabel } from '@kessetsu/schema';

@InputType()
export class PublishAdvisoryInput {
  @Field()
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  title: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  body: string;

  @Field(() => TlpLabel, { description: 'Decides the audience, as for signals.' })
  tlp: TlpLabel;

  @Field(() => [ID], { nullable: true, description: 'Recipients when tlp is RED.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'each recipient must be an organisation id' })
  recipientOrgIds?: string[] | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'incidentId must be an incident id' })
  incidentId?: string | null;
}
