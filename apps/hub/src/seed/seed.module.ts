import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { UsersModule } from '../users/users.module.js';
import { SeedService } from './seed.service.js';

@Module({ imports: [OrganisationsModule, UsersModule, ApiKeysModule], providers: [SeedService], exports: [SeedService] })
export class SeedModule {}
