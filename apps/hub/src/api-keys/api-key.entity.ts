import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiKeyScope } from '@kessetsu/schema';
import { OrganisationEntity } from '../organisations/organisation.entity.js';

@ObjectType('ApiKey', { description: 'A machine identity of one organisation. The secret is shown once, at creation.' })
@Entity('api_key')
export class ApiKeyEntity {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Index('IDX_api_key_org')
  @Field(() => ID)
  @Column({ name: 'org_id', type: 'uuid' })
  orgId: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'org_id' })
  organisation?: OrganisationEntity;

  @Field()
  @Column({ type: 'text' })
  name: string;

  /** Public part of the key, used to find the row before the secret is verified. */
  @Field({ description: 'The non-secret prefix of the key, to recognise it in logs and lists.' })
  @Column({ name: 'key_id', type: 'text', unique: true })
  keyId: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  @Field(() => [String])
  @Column({ type: 'text', array: true })
  scopes: ApiKeyScope[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
