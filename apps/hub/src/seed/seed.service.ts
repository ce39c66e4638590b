import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ApiKeyScope, OrgKind, UserRole } from '@kessetsu/schema';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { ROOT_LOGGER } from '../common/logger.js';
import { HubConfig } from '../config/hub-config.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { UsersService } from '../users/users.service.js';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD } from './demo-organisations.js';

export const MINISTRY_NAME = 'Ministry of Internal Affairs and Communications';

export interface DemoLogin {
  organisation: string;
  kind: OrgKind;
  email: string;
  password: string;
}

export interface DemoSeedResult {
  logins: DemoLogin[];
  /** Only on the run that created it: keys are shown once. */
  partnerApiKey: string | null;
  /** True when this run created the demo organisations. */
  created: boolean;
}

@Injectable()
export class SeedService {
  constructor(
    private readonly config: HubConfig,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** Creates the ministry administrator named by HUB_BOOTSTRAP_ADMIN_* once. */
  async bootstrapAdmin(): Promise<void> {
    const email = this.config.HUB_BOOTSTRAP_ADMIN_EMAIL;
    const password = this.config.HUB_BOOTSTRAP_ADMIN_PASSWORD;
    if (!email || !password || (await this.users.findByEmail(email))) return;
    const ministry =
      (await this.organisations.findByName(MINISTRY_NAME)) ??
      (await this.organisations.insert({ name: MINISTRY_NAME, kind: OrgKind.MINISTRY, regions: ['NATIONWIDE'] }));
    await this.users.insert({ orgId: ministry.id, email, displayName: 'Hub administrator', role: UserRole.ADMIN, password });
    this.logger.info({ email }, 'created bootstrap ministry administrator');
  }

  /** Idempotent: creates what is missing of the demo organisations, logins and partner key. */
  async seedDemo(): Promise<DemoSeedResult> {
    let partnerApiKey: string | null = null;
    let created = false;
    for (const demo of DEMO_ORGANISATIONS) {
      let organisation = await this.organisations.findByName(demo.name);
      if (!organisation) {
        created = true;
        organisation = await this.organisations.insert(demo);
        if (demo.kind === OrgKind.PARTNER) {
          const created = await this.apiKeys.insert(organisation.id, 'demo ingest', [ApiKeyScope.SIGNALS_PUBLISH, ApiKeyScope.SIGNALS_READ], null);
          partnerApiKey = created.key;
        }
      }
      if (!(await this.users.findByEmail(demo.login.email))) {
        await this.users.insert({ orgId: organisation.id, password: DEMO_PASSWORD, ...demo.login });
      }
    }
    return {
      logins: DEMO_ORGANISATIONS.map((demo) => ({
        organisation: demo.name,
        kind: demo.kind,
        email: demo.login.email,
        password: DEMO_PASSWORD,
      })),
      partnerApiKey,
      created,
    };
  }
}
