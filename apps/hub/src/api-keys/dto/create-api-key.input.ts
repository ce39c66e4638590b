import { Field, ID, InputType } from '@nestjs/graphql';
import { ArrayMinSize, ArrayUnique, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ApiKeyScope } from '@kessetsu/schema';

@InputType()
export class CreateApiKeyInput {
  @Field(() => ID, { nullable: true, description: "Defaults to the viewer's own organisation." })
  @IsOptional()
  @IsUUID('all', { message: 'orgId must be an organisation id' })
  orgId?: string | null;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @Field(() => [String], { description: 'signals:publish and/or signals:read' })
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(Object.values(ApiKeyScope), { each: true, message: `each scope must be one of ${Object.values(ApiKeyScope).join(', ')}` })
  scopes: ApiKeyScope[];
}
