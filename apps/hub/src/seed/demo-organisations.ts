import { OrgKind, NATIONWIDE, INTERNATIONAL, UserRole } from '@kessetsu/schema';

/** Demo password shared by every demo login; demo data only, never for a real deployment. */
export const DEMO_PASSWORD = 'kessetsu-demo-2017';

export interface DemoOrganisation {
  name: string;
  kind: OrgKind;
  asns: number[];
  regions: string[];
  login: { email: string; displayName: string; role: UserRole };
}

/** The members of the 2017-08-25 story (seeds/004) plus enough carriers for k-anonymous aggregates. */
export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    name: 'Ministry of Internal Affairs and Communications',
    kind: OrgKind.MINISTRY,
    asns: [],
    regions: [NATIONWIDE],
    login: { email: 'duty@mic.example', displayName: 'MIC duty officer', role: UserRole.ADMIN },
  },
  {
    name: 'ICT-ISAC Japan',
    kind: OrgKind.ISAC,
    asns: [],
    regions: [NATIONWIDE],
    login: { email: 'analyst@ict-isac.example', displayName: 'ISAC route analyst', role: UserRole.PUBLISHER },
  },
  {
    name: 'NTT Communications',
    kind: OrgKind.CARRIER,
    asns: [4713],
    regions: [NATIONWIDE, INTERNATIONAL],
    login: { email: 'noc@ntt-com.example', displayName: 'NTT Com NOC', role: UserRole.ADMIN },
  },
  {
    name: 'KDDI',
    kind: OrgKind.CARRIER,
    asns: [2516],
    regions: [NATIONWIDE, INTERNATIONAL],
    login: { email: 'noc@kddi.example', displayName: 'KDDI NOC', role: UserRole.ADMIN },
  },
  {
    name: 'SoftBank',
    kind: OrgKind.CARRIER,
    asns: [17676],
    regions: [NATIONWIDE],
    login: { email: 'noc@softbank.example', displayName: 'SoftBank NOC', role: UserRole.PUBLISHER },
  },
  {
    name: 'IIJ',
    kind: OrgKind.CARRIER,
    asns: [2497],
    regions: [NATIONWIDE],
    login: { email: 'noc@iij.example', displayName: 'IIJ NOC', role: UserRole.PUBLISHER },
  },
  {
    name: 'JCOM',
    kind: OrgKind.CARRIER,
    asns: [9824],
    regions: ['11', '12', '13', '14', '27', '28'],
    login: { email: 'noc@jcom.example', displayName: 'J:COM NOC', role: UserRole.PUBLISHER },
  },
  {
    name: 'NetWatch Monitoring',
    kind: OrgKind.PARTNER,
    asns: [],
    regions: [NATIONWIDE],
    login: { email: 'ops@netwatch.example', displayName: 'NetWatch operations', role: UserRole.ADMIN },
  },
];
