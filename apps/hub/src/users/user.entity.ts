import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserRole } from '@kessetsu/schema';
import { OrganisationEntity } from '../organisations/organisation.entity.js';

registerEnumType(UserRole, { name: 'UserRole' });

@ObjectType('User')
@Entity('hub_user')
@Check('CHK_hub_user_role', `"role" IN ('VIEWER', 'PUBLISHER', 'ADMIN')`)
export class UserEntity {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Index('IDX_hub_user_org')
  @Field(() => ID)
  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'org_id' })
  organisation?: OrganisationEntity;

  /** Stored lower-cased so that logins are case-insensitive. */
  @Field()
  @Column({ type: 'text', unique: true })
  email: string;

  @Field()
  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Field(() => UserRole)
  @Column({ type: 'text' })
  role: UserRole;

  @Field()
  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
