import { Field, Int, ObjectType } from '@nestjs/graphql';
import { SignalKind } from '@kessetsu/schema';
import '../common/graphql-enums.js';

@ObjectType('AggregateCell')
export class AggregateCell {
  @Field()
  bucketStart: Date;

  @Field(() => SignalKind, { nullable: true })
  kind: SignalKind | null;

  @Field(() => String, { nullable: true })
  region: string | null;

  @Field(() => String, { nullable: true })
  service: string | null;

  @Field({ description: 'True when fewer than k organisations (or none) contributed: no numbers are given.' })
  suppressed: boolean;

  @Field(() => Int, { nullable: true })
  signalCount: number | null;

  @Field(() => Int, { nullable: true })
  orgCount: number | null;

  @Field(() => Number, { nullable: true, description: 'Sum of affected-user estimates given by publishers.' })
  affectedUsers: number | null;
}

@ObjectType('Aggregates')
export class AggregatesView {
  @Field(() => Int, { description: 'Minimum distinct organisations for a cell to be shown to non-ministry viewers.' })
  k: number;

  @Field({ description: 'False when cells are withheld for this viewer (small-cell suppression).' })
  everyCellShown: boolean;

  @Field({ description: 'True when every cell of the grid is listed; otherwise cells not listed are empty (ministry) or withheld.' })
  gridComplete: boolean;

  @Field(() => [AggregateCell])
  cells: AggregateCell[];
}
