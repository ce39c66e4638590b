import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, Permission } from '@kessetsu/auth';
import { AuditEventConnection } from './audit-event.model.js';
import { AuditService } from './audit.service.js';

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Authenticated({ permission: Permission.AUDIT_READ })
  @Query(() => AuditEventConnection, { description: 'The append-only audit log, newest first (ministry).' })
  auditEvents(
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('action', { type: () => String, nullable: true }) action: string | null,
  ): Promise<AuditEventConnection> {
    return this.audit.list(first, after, action);
  }
}
