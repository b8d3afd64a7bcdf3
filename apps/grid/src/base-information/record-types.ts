import type { BaseRecordType } from '@gridwork/contracts';

/*
 * The base-information type catalogue (人、地、事、物、组织). Each type's
 * attribute bag is checked against its JSON Schema; `additionalProperties:
 * false` everywhere so a misspelt attribute is named instead of stored.
 * `sensitive` attributes are masked in lists and left out of events.
 *
 * | kind         | type                  | 中文        | required attributes                   |
 * | ------------ | --------------------- | ----------- | ------------------------------------- |
 * | person       | resident              | 实有人口    | gender                                |
 * | person       | floating-population   | 流动人口    | gender, origin, arrivedOn             |
 * | person       | elderly-living-alone  | 独居老人    | gender, birthDate, emergencyContact   |
 * | person       | special-care          | 特殊关爱人员 | gender, category                      |
 * | place        | building              | 楼栋        | address, use                          |
 * | place        | shop                  | 商铺门店    | address, businessScope                |
 * | place        | rental-housing        | 出租屋      | address, landlordName, landlordPhone  |
 * | place        | public-place          | 公共场所    | category                              |
 * | thing        | fire-hydrant          | 消防栓      | status                                |
 * | thing        | manhole               | 井盖        | purpose, status                       |
 * | thing        | cctv                  | 视频监控    | status                                |
 * | thing        | street-lamp           | 路灯        | status                                |
 * | matter       | dispute               | 矛盾纠纷    | category, occurredOn, status          |
 * | matter       | safety-hazard         | 安全隐患    | category, severity, foundOn, status   |
 * | matter       | livelihood-request    | 民生诉求    | category, raisedOn, status            |
 * | organization | enterprise            | 企业        | ownership                             |
 * | organization | non-public-enterprise | 非公企业    | ownership, hasPartyOrganization       |
 * | organization | social-organization   | 社会组织    | category, hasPartyOrganization        |
 */

/** The kind comes from the contracts' BASE_RECORD_TYPES. */
export interface RecordTypeSpec {
  label: string;
  description: string;
  schema: Record<string, unknown>;
  sensitive: string[];
}

const date = { type: 'string', format: 'date' };
const phone = { type: 'string', pattern: '^\\+?[0-9][0-9 -]{4,19}$' };
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const count = { type: 'integer', minimum: 0 };
const oneOf = (...values: string[]) => ({ type: 'string', enum: values });
/** 统一社会信用代码 (GB 32100): 18 characters, digits and capitals without I, O, S, V, Z. */
const creditCode = { type: 'string', pattern: '^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$' };

function object(properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return { type: 'object', properties, required, additionalProperties: false };
}

const gender = oneOf('male', 'female');
const person = {
  gender,
  birthDate: date,
  ethnicity: text(20),
  phone,
  /** Building, unit and room within the grid. */
  address: text(200),
  /** A place record (building, rental housing) the person lives in. */
  dwellingRecordId: { type: 'string', format: 'uuid' },
  notes: text(1000),
};
const statusOfEquipment = oneOf('in-service', 'damaged', 'out-of-service', 'removed');
const equipment = {
  code: text(50),
  /** The department or company that maintains it. */
  owner: text(100),
  status: statusOfEquipment,
  lastInspectedOn: date,
  notes: text(1000),
};
const matterStatus = oneOf('open', 'in-progress', 'resolved', 'reported-as-case');
const organization = {
  unifiedSocialCreditCode: creditCode,
  legalRepresentative: text(50),
  phone,
  address: text(200),
  industry: text(100),
  employees: count,
};
const partyWork = {
  /** Party members among its staff or members ("two coverages", 两个覆盖). */
  partyMembers: count,
  hasPartyOrganization: { type: 'boolean' },
  /** The `org` party organization set up in it, or covering it. */
  partyOrganizationId: { type: 'string', format: 'uuid' },
};

export const RECORD_TYPES: Record<BaseRecordType, RecordTypeSpec> = {
  resident: {
    label: '实有人口',
    description: 'A resident living in the grid, with or without local household registration.',
    schema: object({ ...person, householdRegistration: oneOf('local', 'non-local'), householdHead: { type: 'boolean' } }, ['gender']),
    sensitive: ['phone'],
  },
  'floating-population': {
    label: '流动人口',
    description: 'A person living in the grid away from their place of household registration.',
    schema: object(
      {
        ...person,
        /** Place of household registration. */
        origin: text(100),
        arrivedOn: date,
        residencePermitNumber: text(30),
        occupation: text(100),
        lodging: oneOf('rental', 'employer-dormitory', 'relatives', 'other'),
      },
      ['gender', 'origin', 'arrivedOn'],
    ),
    sensitive: ['phone', 'residencePermitNumber'],
  },
  'elderly-living-alone': {
    label: '独居老人',
    description: 'An older person living alone, visited regularly by the grid worker.',
    schema: object(
      {
        ...person,
        emergencyContact: object({ name: text(50), relation: text(20), phone }, ['name', 'phone']),
        health: oneOf('independent', 'partly-dependent', 'dependent'),
        /** Days between the grid worker's visits. */
        visitEveryDays: { type: 'integer', minimum: 1, maximum: 90 },
        lastVisitedOn: date,
      },
      ['gender', 'birthDate', 'emergencyContact'],
    ),
    sensitive: ['phone', 'emergencyContact.phone'],
  },
  'special-care': {
    label: '特殊关爱人员',
    description: 'A person the community cares for: disabled, left-behind child, low-income, veteran, seriously ill.',
    schema: object(
      {
        ...person,
        category: oneOf('disabled', 'left-behind-child', 'low-income', 'veteran', 'seriously-ill', 'other'),
        careNeeds: text(1000),
        guardianName: text(50),
        guardianPhone: phone,
      },
      ['gender', 'category'],
    ),
    sensitive: ['phone', 'guardianPhone'],
  },
  building: {
    label: '楼栋',
    description: 'A residential or other building.',
    schema: object(
      {
        address: text(200),
        use: oneOf('residential', 'commercial', 'mixed', 'office', 'industrial', 'public'),
        floors: { type: 'integer', minimum: 1, maximum: 200 },
        units: { type: 'integer', minimum: 1 },
        households: count,
        builtYear: { type: 'integer', minimum: 1800, maximum: 2100 },
        /** Building party group or building head (楼栋长). */
        buildingHead: text(50),
      },
      ['address', 'use'],
    ),
    sensitive: [],
  },
  shop: {
    label: '商铺门店',
    description: 'A shop, restaurant or other street-front business.',
    schema: object(
      {
        address: text(200),
        businessScope: text(200),
        operatorName: text(50),
        phone,
        unifiedSocialCreditCode: creditCode,
        /** Small venues with high fire risk (三小场所). */
        fireRisk: oneOf('low', 'medium', 'high'),
      },
      ['address', 'businessScope'],
    ),
    sensitive: ['phone'],
  },
  'rental-housing': {
    label: '出租屋',
    description: 'A dwelling let to tenants.',
    schema: object(
      {
        address: text(200),
        landlordName: text(50),
        landlordPhone: phone,
        rooms: { type: 'integer', minimum: 1 },
        tenants: count,
        leaseEndsOn: date,
        /** Registered with the police station (出租屋登记备案). */
        registered: { type: 'boolean' },
      },
      ['address', 'landlordName', 'landlordPhone'],
    ),
    sensitive: ['landlordPhone'],
  },
  'public-place': {
    label: '公共场所',
    description: 'A square, park, market, school gate or other place people gather.',
    schema: object(
      {
        category: oneOf('square', 'park', 'market', 'school', 'hospital', 'transport', 'other'),
        address: text(200),
        manager: text(100),
        phone,
      },
      ['category'],
    ),
    sensitive: [],
  },
  'fire-hydrant': {
    label: '消防栓',
    description: 'An outdoor fire hydrant.',
    schema: object({ ...equipment, pressureOk: { type: 'boolean' } }, ['status']),
    sensitive: [],
  },
  manhole: {
    label: '井盖',
    description: 'A manhole cover.',
    schema: object({ ...equipment, purpose: oneOf('sewer', 'stormwater', 'water', 'power', 'telecom', 'gas', 'heating', 'other') }, [
      'purpose',
      'status',
    ]),
    sensitive: [],
  },
  cctv: {
    label: '视频监控',
    description: 'A video surveillance camera.',
    schema: object({ ...equipment, connectedToPlatform: { type: 'boolean' } }, ['status']),
    sensitive: [],
  },
  'street-lamp': {
    label: '路灯',
    description: 'A street lamp.',
    schema: object(equipment, ['status']),
    sensitive: [],
  },
  dispute: {
    label: '矛盾纠纷',
    description: 'A dispute between residents, families, tenants and landlords, or workers and employers.',
    schema: object(
      {
        category: oneOf('neighbour', 'family', 'property', 'tenancy', 'labour', 'other'),
        occurredOn: date,
        parties: { type: 'integer', minimum: 2, maximum: 1000 },
        status: matterStatus,
        /** Base-information records of the people involved. */
        personRecordIds: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 50, uniqueItems: true },
        summary: text(2000),
      },
      ['category', 'occurredOn', 'status'],
    ),
    sensitive: [],
  },
  'safety-hazard': {
    label: '安全隐患',
    description: 'A fire, structural, gas, electrical or traffic hazard found in the grid.',
    schema: object(
      {
        category: oneOf('fire', 'structural', 'gas', 'electrical', 'traffic', 'flood', 'other'),
        severity: oneOf('low', 'medium', 'high'),
        foundOn: date,
        status: matterStatus,
        rectifyBy: date,
        summary: text(2000),
      },
      ['category', 'severity', 'foundOn', 'status'],
    ),
    sensitive: [],
  },
  'livelihood-request': {
    label: '民生诉求',
    description: "A resident's request for help or a service.",
    schema: object(
      {
        category: oneOf('elderly-care', 'employment', 'housing', 'health', 'education', 'environment', 'other'),
        raisedOn: date,
        status: matterStatus,
        requesterName: text(50),
        requesterPhone: phone,
        summary: text(2000),
      },
      ['category', 'raisedOn', 'status'],
    ),
    sensitive: ['requesterPhone'],
  },
  enterprise: {
    label: '企业',
    description: 'A state-owned or collective enterprise, or a public institution.',
    schema: object({ ...organization, ...partyWork, ownership: oneOf('state-owned', 'collective', 'public-institution') }, ['ownership']),
    sensitive: ['phone'],
  },
  'non-public-enterprise': {
    label: '非公企业',
    description: 'A private or foreign-invested enterprise, or an individual business.',
    schema: object({ ...organization, ...partyWork, ownership: oneOf('private', 'foreign-invested', 'individual-business') }, [
      'ownership',
      'hasPartyOrganization',
    ]),
    sensitive: ['phone'],
  },
  'social-organization': {
    label: '社会组织',
    description: 'A social group, private non-enterprise unit, foundation or community-based organization.',
    schema: object(
      {
        ...organization,
        ...partyWork,
        category: oneOf('social-group', 'private-non-enterprise-unit', 'foundation', 'community-based'),
        members: count,
      },
      ['category', 'hasPartyOrganization'],
    ),
    sensitive: ['phone'],
  },
};
