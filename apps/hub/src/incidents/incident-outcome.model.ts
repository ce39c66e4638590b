import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IncidentStatus } from '@kessetsu/schema';
import './incident-status.enum.js';

@ObjectType('IncidentOutcome', { description: '"Is it just me?": where a published signal landed.' })
export class IncidentOutcome {
  @Field(() => ID)
  id: string;

  @Field(() => IncidentStatus)
  status: IncidentStatus;

  @Field(() => Int, { description: 'Distinct organisations other than the publisher in the incident.' })
  otherOrgCount: number;
}
