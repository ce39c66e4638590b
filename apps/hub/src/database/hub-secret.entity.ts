import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Secrets generated on first start when the environment does not provide them. */
@Entity('hub_secret')
export class HubSecretEntity {
  @PrimaryColumn('text')
  name: string;

  @Column({ type: 'text' })
  value: string;
}
