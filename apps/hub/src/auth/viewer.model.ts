import { Field, ObjectType } from '@nestjs/graphql';
import { UserRole } from '@kessetsu/schema';
import { OrganisationEntity } from '../organisations/organisation.entity.js';

@ObjectType('Viewer', { description: 'The signed-in person or machine key.' })
export class ViewerModel {
  @Field(() => OrganisationEntity)
  organization: OrganisationEntity;

  @Field(() => UserRole, { nullable: true })
  role: UserRole | null;

  @Field(() => String, { nullable: true })
  email: string | null;

  @Field(() => String, { nullable: true })
  displayName: string | null;

  @Field(() => [String], { description: 'Permissions held: signals:read, signals:publish, org:admin, hub:admin.' })
  permissions: string[];

  @Field(() => Date, { nullable: true })
  expiresAt: Date | null;
}

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field()
  accessToken: string;

  @Field()
  expiresAt: Date;

  @Field(() => ViewerModel)
  viewer: ViewerModel;
}
