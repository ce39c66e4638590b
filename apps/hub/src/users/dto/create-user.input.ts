import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEmail, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { UserRole } from '@kessetsu/schema';

@InputType()
export class CreateUserInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'orgId must be an organisation id' })
  orgId: string;

  @Field()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName: string;

  @Field(() => UserRole)
  role: UserRole;

  @Field()
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters' })
  @MaxLength(200)
  password: string;
}
