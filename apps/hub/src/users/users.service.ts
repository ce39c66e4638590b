import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictException, ForbiddenException, InvalidInputException, NotFoundException, OrgKind, UserRole } from '@kessetsu/schema';
import { Viewer, canAdministerOrg } from '@kessetsu/auth';
import { AuditAction, AuditService } from '../audit/audit.service.js';
import { newId, requireUuid } from '../common/ids.js';
import { hashSecret } from '../common/secret-hashing.js';
import { RevocableCache } from '../auth/revocable-cache.js';
import { OrganisationsService, isUniqueViolation } from '../organisations/organisations.service.js';
import { CredentialRevokedEvent, HUB_PUBSUB, HubTrigger } from '../pubsub/hub-events.js';
import { CreateUserInput } from './dto/create-user.input.js';
import { UserEntity } from './user.entity.js';

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export interface ActiveIdentity {
  id: string;
  orgId: string;
  role: UserRole;
  orgKind: OrgKind;
}

/** How long an active user's identity is reused without reading it again (see RevocableCache). */
const IDENTITY_TTL_MS = 2_000;
const IDENTITY_CACHE_LIMIT = 10_000;

@Injectable()
export class UsersService implements OnModuleInit, OnModuleDestroy {
  private readonly identities = new RevocableCache<ActiveIdentity>(IDENTITY_TTL_MS, IDENTITY_CACHE_LIMIT);
  private revocationSubscription: number | null = null;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly organisations: OrganisationsService,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    private readonly audit: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.revocationSubscription = await this.pubsub.subscribe(HubTrigger.CREDENTIAL_REVOKED, (event: CredentialRevokedEvent) => {
      if (event.userId) this.identities.forget(event.userId);
    }, {});
  }

  onModuleDestroy(): void {
    if (this.revocationSubscription !== null) this.pubsub.unsubscribe(this.revocationSubscription);
  }

  async create(viewer: Viewer, input: CreateUserInput): Promise<UserEntity> {
    if (!canAdministerOrg(viewer, input.orgId)) throw new ForbiddenException('Not an administrator of this organisation');
    const user = await this.insert(input);
    await this.audit.record(viewer, AuditAction.USER_CREATED, 'user', [user.id], { email: user.email, role: user.role });
    return user;
  }

  /** Creation without a viewer, for bootstrap and demo seeding. */
  async insert(input: CreateUserInput): Promise<UserEntity> {
    if (!(await this.organisations.findById(input.orgId))) throw InvalidInputException.single('orgId', 'no such organisation');
    const user = this.users.create({
      id: newId(),
      orgId: input.orgId,
      email: normaliseEmail(input.email),
      displayName: input.displayName.trim(),
      role: input.role,
      passwordHash: await hashSecret(input.password),
      active: true,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('email', 'a user with this email exists');
      throw error;
    }
  }

  /** Ends a person's access at once: HTTP requests check `active`, live connections are closed. */
  async deactivate(viewer: Viewer, id: string): Promise<UserEntity> {
    requireUuid(id, 'id');
    const user = await this.users.findOneBy({ id });
    if (!user || !canAdministerOrg(viewer, user.orgId)) throw new NotFoundException('User');
    if (user.id === viewer.userId) throw InvalidInputException.single('id', 'you cannot deactivate yourself');
    if (user.active) {
      user.active = false;
      await this.users.update({ id }, { active: false });
    }
    this.identities.forget(user.id);
    await this.audit.record(viewer, AuditAction.USER_DEACTIVATED, 'user', [user.id], { email: user.email });
    const event: CredentialRevokedEvent = { userId: user.id };
    await this.pubsub.publish(HubTrigger.CREDENTIAL_REVOKED, event);
    return user;
  }

  async listForViewer(viewer: Viewer, orgId: string): Promise<UserEntity[]> {
    requireUuid(orgId, 'orgId');
    if (!canAdministerOrg(viewer, orgId)) throw new ForbiddenException('Not an administrator of this organisation');
    return this.users.find({ where: { orgId }, order: { email: 'ASC' } });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { email: normaliseEmail(email) }, relations: { organisation: true } });
  }

  /** What every authenticated request needs of its user: one plain statement, its answer reused briefly (IDENTITY_TTL_MS). */
  activeIdentity(id: string): Promise<ActiveIdentity | null> {
    return this.identities.get(id, async () => {
      const [identity]: ActiveIdentity[] = await this.users.manager.query(
        `SELECT u.id, u.org_id AS "orgId", u.role, o.kind AS "orgKind" FROM hub_user u JOIN organisation o ON o.id = u.org_id WHERE u.id = $1 AND u.active`,
        [id],
      );
      return identity ?? null;
    });
  }

  findActiveWithOrganisation(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id, active: true }, relations: { organisation: true } });
  }
}
