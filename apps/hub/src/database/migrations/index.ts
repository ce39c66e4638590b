import { Initial1795418058303 } from './1795418058303-Initial.js';
import { SignalAudienceIndex1795418100000 } from './1795418100000-SignalAudienceIndex.js';
import { Incidents1795418867060 } from './1795418867060-Incidents.js';
import { IncidentIndexes1795418900000 } from './1795418900000-IncidentIndexes.js';

/** Applied in this order at start; append new migrations at the end. */
export const HUB_MIGRATIONS = [Initial1795418058303, SignalAudienceIndex1795418100000, Incidents1795418867060, IncidentIndexes1795418900000];
