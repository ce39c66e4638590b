import { randomBytes } from 'node:crypto';
import { OrgKind, UserRole } from '@kessetsu/schema';
import type { OrganisationEntity } from '../../apps/hub/src/organisations/organisation.entity.js';
import { OrganisationsService } from '../../apps/hub/src/organisations/organisations.service.js';
import { UsersService } from '../../apps/hub/src/users/users.service.js';
import { graphqlOk } from './graphql-request.util.js';
import type { TestHub } from './test-hub.util.js';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface MemberSpec {
  kind: OrgKind;
  role?: UserRole;
  /** Put this member's user in the organisation of an already listed member. */
  sameOrgAs?: string;
  asns?: number[];
}

export interface Member {
  org: OrganisationEntity;
  email: string;
  token: string;
}

const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;

/** Creates organisations and one signed-in user each, keyed by the caller's names. */
export async function seedMembers<K extends string>(hub: TestHub, specs: Record<K, MemberSpec>): Promise<Record<K, Member>> {
  const organisations = hub.app.get(OrganisationsService);
  const users = hub.app.get(UsersService);
  const members = {} as Record<K, Member>;
  for (const [name, spec] of Object.entries(specs) as [K, MemberSpec][]) {
    const suffix = randomBytes(3).toString('hex');
    const org = spec.sameOrgAs
      ? members[spec.sameOrgAs as K].org
      : await organisations.insert({ name: `${name}-${suffix}`, kind: spec.kind, asns: spec.asns ?? [], regions: ['NATIONWIDE'] });
    const email = `${name.toLowerCase()}-${suffix}@members.example`;
    await users.insert({ orgId: org.id, email, displayName: name, role: spec.role ?? UserRole.PUBLISHER, password: TEST_PASSWORD });
    const data = await graphqlOk<{ login: { accessToken: string } }>(hub.url, LOGIN, { email, password: TEST_PASSWORD });
    members[name] = { org, email, token: data.login.accessToken };
  }
  return members;
}
