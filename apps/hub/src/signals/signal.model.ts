import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Severity, SignalKind, TlpLabel } from '@kessetsu/schema';
import '../common/graphql-enums.js';
import { OrganisationEntity } from '../organisations/organisation.entity.js';
import { SignalDetailsUnion } from './signal-details.js';
import { IncidentOutcome } from '../incidents/incident-outcome.model.js';

@ObjectType('Publisher', { description: 'Who published: the organisation only for its own members and the ministry.' })
export class PublisherView {
  @Field({ description: 'Stable within one incident (or one UTC day), unlinkable across them.' })
  pseudonym: string;

  @Field(() => OrganisationEntity, { nullable: true })
  organization: OrganisationEntity | null;
}

@ObjectType('Signal')
export class SignalView {
  @Field(() => ID)
  id: string;

  @Field(() => SignalKind)
  kind: SignalKind;

  @Field(() => Severity)
  severity: Severity;

  @Field(() => TlpLabel)
  tlp: TlpLabel;

  @Field()
  observedStart: Date;

  @Field(() => Date, { nullable: true })
  observedEnd: Date | null;

  @Field()
  publishedAt: Date;

  @Field(() => [String])
  regions: string[];

  @Field(() => String, { nullable: true })
  service: string | null;

  @Field(() => String, { nullable: true, description: 'Scrubbed of personal data unless the viewer may see the publisher.' })
  text: string | null;

  @Field(() => String, { nullable: true, description: "The publisher's own reference; only for its own members and the ministry." })
  sourceRef: string | null;

  @Field(() => PublisherView)
  publisher: PublisherView;

  @Field(() => SignalDetailsUnion)
  details: object;

  @Field(() => [OrganisationEntity], { nullable: true, description: 'TLP:RED recipients; only for the publisher and the ministry.' })
  recipientOrganizations: OrganisationEntity[] | null;
}

@ObjectType('SignalEdge')
export class SignalEdge {
  @Field()
  cursor: string;

  @Field(() => SignalView)
  node: SignalView;
}

@ObjectType('PageInfo')
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field()
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType('SignalConnection')
export class SignalConnection {
  @Field(() => [SignalEdge])
  edges: SignalEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType('SignalFeedEvent', { description: 'One signal on the live feed; pass `cursor` as `after` to resume.' })
export class SignalFeedEvent {
  @Field()
  cursor: string;

  @Field(() => SignalView)
  signal: SignalView;
}

@ObjectType('PublishedSignal')
export class PublishedSignal {
  @Field({ description: 'Position of the input in the batch.' })
  index: number;

  @Field({ description: 'True when this sourceRef was already stored; the stored signal is returned.' })
  duplicate: boolean;

  @Field(() => SignalView)
  signal: SignalView;

  @Field(() => IncidentOutcome, { nullable: true, description: 'The incident it joined or opened; null for planned work.' })
  incident: IncidentOutcome | null;
}
