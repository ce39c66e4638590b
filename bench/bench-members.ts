import type { OrgKind, UserRole } from '@kessetsu/schema';
import type { RunningHub } from '../apps/hub/src/hub.js';
import { OrganisationsService } from '../apps/hub/src/organisations/organisations.service.js';
import { UsersService } from '../apps/hub/src/users/users.service.js';

/** A member organisation with one user, created for a bench. */
export interface BenchMemberSpec {
  name: string;
  kind: OrgKind;
  role: UserRole;
  asns?: number[];
}

export interface BenchMember extends BenchMemberSpec {
  orgId: string;
  token: string;
}

const PASSWORD = 'bench-password-1';

/** Creates each organisation and its user in the hub's database, and signs the user in over GraphQL. */
export async function seedBenchMembers(hub: RunningHub, specs: BenchMemberSpec[]): Promise<BenchMember[]> {
  const members: BenchMember[] = [];
  for (const spec of specs) {
    const org = await hub.app.get(OrganisationsService).insert({ name: spec.name, kind: spec.kind, asns: spec.asns ?? [] });
    const email = `${spec.name}@bench.example`;
    await hub.app.get(UsersService).insert({ orgId: org.id, email, displayName: spec.name, role: spec.role, password: PASSWORD });
    const response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(email: "${email}", password: "${PASSWORD}") { accessToken } }` }),
    });
    members.push({ ...spec, orgId: org.id, token: ((await response.json()) as any).data.login.accessToken });
  }
  return members;
}
