import { Field, ID, ObjectType } from '@nestjs/graphql';
import { TlpLabel } from '@kessetsu/schema';
import '../common/graphql-enums.js';
import { OrganisationEntity } from '../organisations/organisation.entity.js';
import { PageInfo } from '../signals/signal.model.js';

@ObjectType('Advisory')
export class AdvisoryView {
  @Field(() => ID)
  id: string;

  @Field()
  title: string;

  @Field()
  body: string;

  @Field(() => TlpLabel)
  tlp: TlpLabel;

  @Field(() => OrganisationEntity, { description: 'The ministry or ISAC organisation that issued it.' })
  issuer: OrganisationEntity;

  @Field(() => ID, { nullable: true })
  incidentId: string | null;

  @Field()
  publishedAt: Date;
}

@ObjectType('AdvisoryEdge')
export class AdvisoryEdge {
  @Field()
  cursor: string;

  @Field(() => AdvisoryView)
  node: AdvisoryView;
}

@ObjectType('AdvisoryConnection')
export class AdvisoryConnection {
  @Field(() => [AdvisoryEdge])
  edges: AdvisoryEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType('AdvisoryEvent')
export class AdvisoryEvent {
  @Field()
  cursor: string;

  @Field(() => AdvisoryView)
  advisory: AdvisoryView;
}
