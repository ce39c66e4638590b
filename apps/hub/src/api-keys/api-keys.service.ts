import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PubSubEngine } from 'graphql-subscriptions';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { ForbiddenException, InvalidInputException, NotFoundException } from '@kessetsu/schema';
import { Viewer, canAdministerOrg } from '@kessetsu/auth';
import { AuditAction, AuditService } from '../audit/audit.service.js';
import { newId, requireUuid } from '../common/ids.js';
import { hashSecret, verifySecret } from '../common/secret-hashing.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { RevocableCache } from '../auth/revocable-cache.js';
import { CredentialRevokedEvent, HUB_PUBSUB, HubTrigger } from '../pubsub/hub-events.js';
import { CreateApiKeyInput } from './dto/create-api-key.input.js';
import { ApiKeyEntity } from './api-key.entity.js';

const KEY_PREFIX = 'kss';
const KEY_PATTERN = /^kss_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const VERIFIED_CACHE_LIMIT = 10_000;
/** How long a key's stored row is reused without reading it again (see RevocableCache). */
const KEY_TTL_MS = 2_000;

export interface CreatedApiKey {
  apiKey: ApiKeyEntity;
  key: string;
}

/**
 * Machine credentials: `kss_<keyId>_<secret>`. The secret is stored as an argon2 hash.
 * A successful verification is remembered (as a SHA-256 of the presented key) so that
 * hot API paths do not pay argon2 on every request, and the key's row is reused for up
 * to KEY_TTL_MS; a revocation drops both (in every hub process, by its notice).
 */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly verified = new Map<string, Buffer>();
  /** Unrevoked keys by keyId. */
  private readonly keys = new RevocableCache<ApiKeyEntity>(KEY_TTL_MS, VERIFIED_CACHE_LIMIT);
  private revocationSubscription: number | null = null;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>,
    private readonly organisations: OrganisationsService,
    @Inject(HUB_PUBSUB) private readonly pubsub: PubSubEngine,
    private readonly audit: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    // Keyed by keyId, which the notice does not carry: a revocation empties the cache.
    this.revocationSubscription = await this.pubsub.subscribe(HubTrigger.CREDENTIAL_REVOKED, (event: CredentialRevokedEvent) => {
      if (event.apiKeyId) this.keys.forget();
    }, {});
  }

  onModuleDestroy(): void {
    if (this.revocationSubscription !== null) this.pubsub.unsubscribe(this.revocationSubscription);
  }

  async create(viewer: Viewer, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const orgId = input.orgId ?? viewer.orgId;
    if (!orgId) throw InvalidInputException.single('orgId', 'is required');
    if (!canAdministerOrg(viewer, orgId)) throw new ForbiddenException('Not an administrator of this organisation');
    const created = await this.insert(orgId, input.name, input.scopes, viewer.userId);
    await this.audit.record(viewer, AuditAction.API_KEY_CREATED, 'api_key', [created.apiKey.id], { keyId: created.apiKey.keyId, scopes: input.scopes });
    return created;
  }

  /** Creation without a viewer, for demo seeding. */
  async insert(orgId: string, name: string, scopes: CreateApiKeyInput['scopes'], createdBy: string | null): Promise<CreatedApiKey> {
    if (!(await this.organisations.findById(orgId))) throw InvalidInputException.single('orgId', 'no such organisation');
    const keyId = base32(randomBytes(10));
    const secret = randomBytes(32).toString('base64url');
    const apiKey = await this.apiKeys.save(
      this.apiKeys.create({
        id: newId(),
        orgId,
        name: name.trim(),
        keyId,
        secretHash: await hashSecret(secret),
        scopes,
        createdBy,
        revokedAt: null,
      }),
    );
    return { apiKey, key: `${KEY_PREFIX}_${keyId}_${secret}` };
  }

  async list(viewer: Viewer, orgId: string): Promise<ApiKeyEntity[]> {
    requireUuid(orgId, 'orgId');
    if (!canAdministerOrg(viewer, orgId)) throw new ForbiddenException('Not an administrator of this organisation');
    return this.apiKeys.find({ where: { orgId }, order: { createdAt: 'DESC' } });
  }

  async revoke(viewer: Viewer, id: string): Promise<ApiKeyEntity> {
    requireUuid(id, 'id');
    const apiKey = await this.apiKeys.findOneBy({ id });
    if (!apiKey || !canAdministerOrg(viewer, apiKey.orgId)) throw new NotFoundException('API key');
    if (!apiKey.revokedAt) {
      apiKey.revokedAt = new Date();
      await this.apiKeys.update({ id, revokedAt: IsNull() }, { revokedAt: apiKey.revokedAt });
    }
    this.verified.delete(apiKey.id);
    this.keys.forget(apiKey.keyId);
    await this.audit.record(viewer, AuditAction.API_KEY_REVOKED, 'api_key', [apiKey.id], { keyId: apiKey.keyId });
    const event: CredentialRevokedEvent = { apiKeyId: apiKey.id };
    await this.pubsub.publish(HubTrigger.CREDENTIAL_REVOKED, event);
    return apiKey;
  }

  /** The active key behind a presented credential, or null. */
  async authenticate(presented: string): Promise<ApiKeyEntity | null> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return null;
    const [, keyId, secret] = match;
    const apiKey = await this.keys.get(keyId, () => this.apiKeys.findOne({ where: { keyId, revokedAt: IsNull() }, relations: { organisation: true } }));
    if (!apiKey) return null;
    const fingerprint = createHash('sha256').update(presented).digest();
    const remembered = this.verified.get(apiKey.id);
    if (remembered && timingSafeEqual(remembered, fingerprint)) return apiKey;
    if (!(await verifySecret(apiKey.secretHash, secret))) return null;
    if (this.verified.size >= VERIFIED_CACHE_LIMIT) this.verified.clear();
    this.verified.set(apiKey.id, fingerprint);
    return apiKey;
  }
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return output;
}
