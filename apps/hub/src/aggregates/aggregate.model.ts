import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLScalarType } from 'graphql';
import { SignalKind } from '@kessetsu/schema';
import '../common/graphql-enums.js';
import { AggregateDimension } from './dto/aggregates.args.js';
import { JsonText } from '../common/json-text.js';

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

/** Counts serialised as one JSON array, written ahead as text, so a grid of 100k+ cells is not 100k+ GraphQL values. */
export const CountGridScalar = new GraphQLScalarType<JsonText, JsonText>({
  name: 'CountGrid',
  description: 'A JSON array of counts, one per grid cell in row-major order (bucket, then each axis in turn); null where withheld.',
  serialize: (value) => value as JsonText,
});

@ObjectType('AggregateAxis')
export class AggregateAxis {
  @Field(() => AggregateDimension)
  dimension: AggregateDimension;

  @Field(() => [String], { description: 'Values along this axis, in grid order (kinds as their enum names).' })
  values: string[];
}

@ObjectType('AggregateMatrix', {
  description:
    'The same counts as Aggregates laid out as a dense grid in row-major order: bucket first, then each axis in turn (with axes kind and region, cell (b, i, j) is at (b * |kinds| + i) * |regions| + j). Empty cells count 0 for the ministry; for everyone else they are withheld (null) like small ones.',
})
export class AggregateMatrixView {
  @Field(() => Int)
  k: number;

  @Field()
  everyCellShown: boolean;

  @Field(() => [Date])
  bucketStarts: Date[];

  @Field(() => [AggregateAxis], { description: 'One axis per groupBy dimension, in the order asked.' })
  axes: AggregateAxis[];

  @Field(() => CountGridScalar)
  signalCounts: JsonText;

  @Field(() => CountGridScalar)
  orgCounts: JsonText;

  @Field(() => CountGridScalar, { description: 'Sum of affected-user estimates given by publishers.' })
  affectedUsers: JsonText;
}
