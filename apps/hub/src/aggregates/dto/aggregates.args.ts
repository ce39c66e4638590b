import { ArgsType, Field, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsDate } from 'class-validator';

export enum AggregateBucket {
  HOUR = 'HOUR',
  DAY = 'DAY',
}

export enum AggregateDimension {
  KIND = 'KIND',
  REGION = 'REGION',
  SERVICE = 'SERVICE',
}

registerEnumType(AggregateBucket, { name: 'AggregateBucket', description: 'DAY buckets follow the Japanese calendar day (JST). The range asked for is widened to whole buckets.' });
registerEnumType(AggregateDimension, { name: 'AggregateDimension' });

@ArgsType()
export class AggregatesArgs {
  @Field()
  @Type(() => Date)
  @IsDate()
  from: Date;

  @Field()
  @Type(() => Date)
  @IsDate()
  to: Date;

  @Field(() => AggregateBucket)
  bucket: AggregateBucket;

  @Field(() => [AggregateDimension], { defaultValue: [] })
  @ArrayMaxSize(3)
  @ArrayUnique()
  groupBy: AggregateDimension[];
}
