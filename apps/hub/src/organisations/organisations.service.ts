import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, QueryFailedError, Repository } from 'typeorm';
import { ConflictException, ForbiddenException } from '@kessetsu/schema';
import { Permission, Viewer, hasPermission } from '@kessetsu/auth';
import { AuditAction, AuditService } from '../audit/audit.service.js';
import { newId } from '../common/ids.js';
import { CreateOrganizationInput } from './dto/create-organization.input.js';
import { OrganisationEntity } from './organisation.entity.js';

const UNIQUE_VIOLATION = '23505';
/** How long a process reuses the ASN directory; an organisation created by another hub process is seen after this. */
const ASN_DIRECTORY_TTL_MS = 5000;

type AsnDirectoryView = { ownersOf(asn: number): string[]; asnsOf(orgId: string): number[] };

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}

/**
 * Member organisations. They are few and never change kind, so a process-wide
 * cache serves the hot paths (presenting signals) without a query per record.
 */
@Injectable()
export class OrganisationsService {
  private readonly cache = new Map<string, OrganisationEntity>();
  private directory: { view: Promise<AsnDirectoryView>; readAt: number } | null = null;

  constructor(
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    private readonly audit: AuditService,
  ) {}

  async create(viewer: Viewer, input: CreateOrganizationInput): Promise<OrganisationEntity> {
    if (!hasPermission(viewer, Permission.HUB_ADMIN)) throw new ForbiddenException('Only ministry administrators create organisations');
    const organisation = await this.insert(input);
    await this.audit.record(viewer, AuditAction.ORGANISATION_CREATED, 'organisation', [organisation.id], { name: organisation.name, kind: organisation.kind });
    return organisation;
  }

  /** Creation without a viewer, for bootstrap and demo seeding. */
  async insert(input: CreateOrganizationInput): Promise<OrganisationEntity> {
    const organisation = this.organisations.create({
      id: newId(),
      name: input.name.trim(),
      kind: input.kind,
      asns: input.asns ?? [],
      regions: input.regions ?? [],
    });
    try {
      const saved = await this.organisations.save(organisation);
      this.cache.set(saved.id, saved);
      this.directory = null;
      return saved;
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictException('name', 'an organisation with this name exists');
      throw error;
    }
  }

  list(): Promise<OrganisationEntity[]> {
    return this.organisations.find({ order: { kind: 'ASC', name: 'ASC' } });
  }

  findByName(name: string): Promise<OrganisationEntity | null> {
    return this.organisations.findOneBy({ name });
  }

  async findById(id: string): Promise<OrganisationEntity | null> {
    await this.load([id]);
    return this.cache.get(id) ?? null;
  }

  /** Makes `cached()` answer for these ids. */
  async load(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.cache.has(id));
    if (missing.length === 0) return;
    for (const organisation of await this.organisations.findBy({ id: In(missing) })) {
      this.cache.set(organisation.id, organisation);
    }
  }

  /** Which organisations registered which ASNs; read once per few seconds, as every publish needs it. */
  asnDirectory(): Promise<AsnDirectoryView> {
    if (!this.directory || Date.now() - this.directory.readAt > ASN_DIRECTORY_TTL_MS) {
      const view = this.readAsnDirectory();
      this.directory = { view, readAt: Date.now() };
      view.catch(() => (this.directory = null));
    }
    return this.directory.view;
  }

  private async readAsnDirectory(): Promise<AsnDirectoryView> {
    const owners = new Map<number, string[]>();
    const asnsByOrg = new Map<string, number[]>();
    for (const organisation of await this.organisations.find()) {
      this.cache.set(organisation.id, organisation);
      asnsByOrg.set(organisation.id, organisation.asns);
      for (const asn of organisation.asns) owners.set(asn, [...(owners.get(asn) ?? []), organisation.id]);
    }
    return { ownersOf: (asn) => owners.get(asn) ?? [], asnsOf: (orgId) => asnsByOrg.get(orgId) ?? [] };
  }

  cached(id: string): OrganisationEntity | null {
    return this.cache.get(id) ?? null;
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    await this.load(ids);
    return new Set(ids.filter((id) => this.cache.has(id)));
  }
}
