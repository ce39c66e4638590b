import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayUnique, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IncidentStatus, Severity, TlpLabel } from '@kessetsu/schema';

/** Only the fields given are changed; each change is recorded on the timeline with its curator. */
@InputType()
export class CurateIncidentInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string | null;

  @Field(() => Severity, { nullable: true })
  @IsOptional()
  severity?: Severity | null;

  @Field(() => IncidentStatus, { nullable: true, description: 'RESOLVED closes the incident; an open status reopens it.' })
  @IsOptional()
  status?: IncidentStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string | null;

  @Field(() => TlpLabel, { nullable: true, description: 'Raises or lowers who may see the incident itself.' })
  @IsOptional()
  tlp?: TlpLabel | null;

  @Field(() => [ID], { nullable: true, description: 'Recipients when tlp is RED.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true, message: 'each recipient must be an organisation id' })
  recipientOrgIds?: string[] | null;
}
