import { IncidentEventEntity } from '../incidents/incident-event.entity.js';
import { IncidentEntity } from '../incidents/incident.entity.js';
import { IncidentKeyEntity, IncidentPrefixEntity } from '../incidents/incident-key.entity.js';
import { AdvisoryEntity } from '../advisories/advisory.entity.js';
import { SignalRollupEntity } from '../aggregates/signal-rollup.entity.js';
import { AggregateSnapshotEntity, AggregateStaleEntity } from '../aggregates/aggregate-snapshot.entity.js';
import { AuditEventEntity } from '../audit/audit-event.entity.js';
import { ApiKeyEntity } from '../api-keys/api-key.entity.js';
import { OrganisationEntity } from '../organisations/organisation.entity.js';
import { SignalEntity } from '../signals/signal.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { HubSecretEntity } from './hub-secret.entity.js';

export const HUB_ENTITIES = [OrganisationEntity, UserEntity, ApiKeyEntity, SignalEntity, HubSecretEntity, IncidentEntity, IncidentEventEntity, IncidentKeyEntity, IncidentPrefixEntity, AdvisoryEntity, SignalRollupEntity, AggregateSnapshotEntity, AggregateStaleEntity, AuditEventEntity];
