import { registerEnumType } from '@nestjs/graphql';
import { IncidentEventType, IncidentStatus } from '@kessetsu/schema';

registerEnumType(IncidentStatus, { name: 'IncidentStatus' });
registerEnumType(IncidentEventType, { name: 'IncidentEventType' });
