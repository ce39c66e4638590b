import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IncidentEventType, IncidentStatus, Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import '../common/graphql-enums.js';
import './incident-status.enum.js';
import { OrganisationEntity } from '../organisations/organisation.entity.js';
import { PageInfo } from '../signals/signal.model.js';


@ObjectType('IncidentParticipant', { description: 'One organisation in the incident, by its incident-scoped pseudonym.' })
export class IncidentParticipantView {
  @Field()
  pseudonym: string;

  @Field({ description: "True for the viewer's own organisation." })
  isViewerOrganization: boolean;

  @Field(() => OrganisationEntity, { nullable: true, description: 'Only for the ministry and the organisation itself.' })
  organization: OrganisationEntity | null;
}

@ObjectType('IncidentEvent')
export class IncidentEventView {
  @Field(() => IncidentEventType)
  type: IncidentEventType;

  @Field()
  at: Date;

  @Field(() => String, { nullable: true, description: 'Pseudonym of the organisation that caused the event.' })
  actor: string | null;

  @Field(() => IncidentStatus, { nullable: true })
  fromStatus: IncidentStatus | null;

  @Field(() => IncidentStatus, { nullable: true })
  toStatus: IncidentStatus | null;

  @Field(() => SignalKind, { nullable: true })
  kind: SignalKind | null;

  @Field(() => String, { nullable: true, description: 'What was curated, e.g. "tlp: AMBER -> GREEN".' })
  description: string | null;
}

@ObjectType('Incident')
export class IncidentView {
  @Field(() => ID)
  id: string;

  @Field(() => IncidentStatus)
  status: IncidentStatus;

  @Field({ description: 'True once a second organisation joined.' })
  crossCarrier: boolean;

  @Field(() => String, { nullable: true })
  title: string | null;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => Severity)
  severity: Severity;

  @Field(() => TlpLabel)
  tlp: TlpLabel;

  @Field(() => [SignalKind])
  kinds: SignalKind[];

  @Field(() => [String])
  regions: string[];

  @Field(() => [String])
  services: string[];

  @Field()
  firstSeen: Date;

  @Field()
  lastSeen: Date;

  @Field()
  openedAt: Date;

  @Field()
  updatedAt: Date;

  @Field(() => Date, { nullable: true })
  resolvedAt: Date | null;

  @Field(() => Int, { description: 'Distinct organisations with signals in the incident.' })
  orgCount: number;

  @Field(() => Int)
  signalCount: number;

  @Field(() => [IncidentParticipantView])
  participants: IncidentParticipantView[];
}

@ObjectType('IncidentEdge')
export class IncidentEdge {
  @Field()
  cursor: string;

  @Field(() => IncidentView)
  node: IncidentView;
}

@ObjectType('IncidentConnection')
export class IncidentConnection {
  @Field(() => [IncidentEdge])
  edges: IncidentEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}


@ObjectType('IncidentUpdate', { description: 'The latest state of one incident; pass `cursor` as `after` to resume.' })
export class IncidentUpdate {
  @Field()
  cursor: string;

  @Field(() => IncidentView)
  incident: IncidentView;
}
