import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AsnScalar } from '../common/asn.scalar.js';
import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { OrgKind } from '@kessetsu/schema';

registerEnumType(OrgKind, { name: 'OrgKind' });

@ObjectType('Organization')
@Entity('organisation')
@Check('CHK_organisation_kind', `"kind" IN ('CARRIER', 'ISAC', 'MINISTRY', 'PARTNER')`)
export class OrganisationEntity {
  @Field(() => ID)
  @PrimaryColumn('uuid')
  id: string;

  @Field()
  @Column({ type: 'text', unique: true })
  name: string;

  @Field(() => OrgKind)
  @Column({ type: 'text' })
  kind: OrgKind;

  @Field(() => [AsnScalar], { description: 'Autonomous system numbers the organisation operates.' })
  @Column({ type: 'bigint', array: true, default: () => "'{}'", transformer: { to: (v: number[]) => v, from: (v: string[]) => v.map(Number) } })
  asns: number[];

  @Field(() => [String], { description: 'Regions served: JIS X 0401 codes, NATIONWIDE or INTERNATIONAL.' })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  regions: string[];

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
