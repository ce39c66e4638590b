import { Initial1795418058303 } from './1795418058303-Initial.js';
import { SignalAudienceIndex1795418100000 } from './1795418100000-SignalAudienceIndex.js';
import { Incidents1795418867060 } from './1795418867060-Incidents.js';
import { IncidentIndexes1795418900000 } from './1795418900000-IncidentIndexes.js';
import { Advisories1795419366719 } from './1795419366719-Advisories.js';
import { AdvisoryAudienceIndex1795419500000 } from './1795419500000-AdvisoryAudienceIndex.js';
import { SignalRollup1795419556734 } from './1795419556734-SignalRollup.js';
import { RedRecipientTokens1795420800000 } from './1795420800000-RedRecipientTokens.js';
import { AuditLog1795422547747 } from './1795422547747-AuditLog.js';
import { AuditAppendOnly1795422600000 } from './1795422600000-AuditAppendOnly.js';
import { IncidentPrefixSpgist1795431000000 } from './1795431000000-IncidentPrefixSpgist.js';
import { AggregateSnapshots1795440782552 } from './1795440782552-AggregateSnapshots.js';
import { IncidentKeysOpen1795469549492 } from './1795469549492-IncidentKeysOpen.js';
import { DropIncidentAudienceIndex1796553322093 } from './1796553322093-DropIncidentAudienceIndex.js';
import { SignalReferencesBySet1796553418715 } from './1796553418715-SignalReferencesBySet.js';
import { IncidentFillfactor1796572470891 } from './1796572470891-IncidentFillfactor.js';
import { OrderedWriteAssumptions1796800000000 } from './1796800000000-OrderedWriteAssumptions.js';

/** Applied in this order at start; append new migrations at the end. */
export const HUB_MIGRATIONS = [Initial1795418058303, SignalAudienceIndex1795418100000, Incidents1795418867060, IncidentIndexes1795418900000, Advisories1795419366719, AdvisoryAudienceIndex1795419500000, SignalRollup1795419556734, RedRecipientTokens1795420800000, AuditLog1795422547747, AuditAppendOnly1795422600000, IncidentPrefixSpgist1795431000000, AggregateSnapshots1795440782552, IncidentKeysOpen1795469549492, DropIncidentAudienceIndex1796553322093, SignalReferencesBySet1796553418715, IncidentFillfactor1796572470891, OrderedWriteAssumptions1796800000000];
