import { Field, ID, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../signals/signal.model.js';

@ObjectType('AuditEvent')
export class AuditEventView {
  @Field(() => ID)
  id: string;

  @Field()
  at: Date;

  @Field()
  action: string;

  @Field(() => ID, { nullable: true })
  actorOrgId: string | null;

  @Field(() => ID, { nullable: true })
  actorUserId: string | null;

  @Field(() => ID, { nullable: true })
  actorApiKeyId: string | null;

  @Field()
  targetType: string;

  @Field(() => [String])
  targetIds: string[];

  @Field({ description: 'JSON object with what changed.' })
  details: string;
}

@ObjectType('AuditEventEdge')
export class AuditEventEdge {
  @Field()
  cursor: string;

  @Field(() => AuditEventView)
  node: AuditEventView;
}

@ObjectType('AuditEventConnection')
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
