import { ApiKeyScope, OrgKind, UserRole } from '@kessetsu/schema';
import type { Viewer } from './viewer.js';

export enum Permission {
  SIGNALS_READ = 'signals:read',
  SIGNALS_PUBLISH = 'signals:publish',
  /** Manage users and API keys of the viewer's own organisation. */
  ORG_ADMIN = 'org:admin',
  /** Manage every organisation; held by ministry administrators. */
  HUB_ADMIN = 'hub:admin',
  /** Set an incident's title, severity, status, note and label; ministry publishers and administrators. */
  INCIDENTS_CURATE = 'incidents:curate',
  /** Publish advisories; ministry and ISAC publishers and administrators. */
  ADVISORIES_PUBLISH = 'advisories:publish',
  /** Read the audit log; ministry users. */
  AUDIT_READ = 'audit:read',
}

const ROLE_PERMISSIONS: Record<UserRole, readonly Permission[]> = {
  [UserRole.VIEWER]: [Permission.SIGNALS_READ],
  [UserRole.PUBLISHER]: [Permission.SIGNALS_READ, Permission.SIGNALS_PUBLISH],
  [UserRole.ADMIN]: [Permission.SIGNALS_READ, Permission.SIGNALS_PUBLISH, Permission.ORG_ADMIN],
};

const SCOPE_PERMISSIONS: Record<ApiKeyScope, Permission> = {
  [ApiKeyScope.SIGNALS_READ]: Permission.SIGNALS_READ,
  [ApiKeyScope.SIGNALS_PUBLISH]: Permission.SIGNALS_PUBLISH,
};

export function permissionsOf(viewer: Viewer): ReadonlySet<Permission> {
  switch (viewer.principal) {
    case 'anonymous':
      return new Set();
    case 'api-key':
      return new Set(viewer.scopes.map((scope) => SCOPE_PERMISSIONS[scope]));
    case 'user': {
      const granted = new Set(viewer.role ? ROLE_PERMISSIONS[viewer.role] : []);
      const publishes = viewer.role === UserRole.PUBLISHER || viewer.role === UserRole.ADMIN;
      if (viewer.role === UserRole.ADMIN && viewer.orgKind === OrgKind.MINISTRY) granted.add(Permission.HUB_ADMIN);
      if (publishes && viewer.orgKind === OrgKind.MINISTRY) granted.add(Permission.INCIDENTS_CURATE);
      if (viewer.orgKind === OrgKind.MINISTRY) granted.add(Permission.AUDIT_READ);
      if (publishes && (viewer.orgKind === OrgKind.MINISTRY || viewer.orgKind === OrgKind.ISAC)) {
        granted.add(Permission.ADVISORIES_PUBLISH);
      }
      return granted;
    }
  }
}

export function hasPermission(viewer: Viewer, permission: Permission): boolean {
  return permissionsOf(viewer).has(permission);
}

/** Whether the viewer may administer users and keys of the given organisation. */
export function canAdministerOrg(viewer: Viewer, orgId: string): boolean {
  const granted = permissionsOf(viewer);
  return granted.has(Permission.HUB_ADMIN) || (granted.has(Permission.ORG_ADMIN) && viewer.orgId === orgId);
}
