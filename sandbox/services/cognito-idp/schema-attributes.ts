import { invalidParameter } from '../../wire/json-target';
import type { SchemaAttribute } from './settings-schema';

/** One attribute of a pool's schema, as DescribeUserPool's `SchemaAttributes` lists it. */
export interface SchemaAttributeRecord {
  readonly Name: string;
  readonly AttributeDataType: 'String' | 'Number' | 'DateTime' | 'Boolean';
  readonly DeveloperOnlyAttribute: boolean;
  readonly Mutable: boolean;
  readonly Required: boolean;
  readonly StringAttributeConstraints?: { MinLength?: string; MaxLength?: string };
  readonly NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
}

/** "Custom attributes per user pool: 50" (Cognito quotas). */
const MAX_CUSTOM_ATTRIBUTES = 50;
/** "String attributes cannot have a length of more than 2048". */
const MAX_STRING_LENGTH = 2048;

const text = (name: string, min = '0'): SchemaAttributeRecord => ({
  Name: name,
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable: true,
  Required: false,
  StringAttributeConstraints: { MinLength: min, MaxLength: '2048' },
});
const flag = (name: string): SchemaAttributeRecord => ({ Name: name, AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false });

/** The standard (OIDC) attributes every pool has, as DescribeUserPool lists them. */
export function standardSchema(): SchemaAttributeRecord[] {
  return [
    { ...text('sub', '1'), Mutable: false, Required: true },
    ...['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'email'].map((n) => text(n)),
    flag('email_verified'),
    text('gender'),
    { ...text('birthdate'), StringAttributeConstraints: { MinLength: '10', MaxLength: '10' } },
    text('zoneinfo'),
    text('locale'),
    text('phone_number'),
    flag('phone_number_verified'),
    text('address'),
    { Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
  ];
}

function checkLengths(name: string, constraints: SchemaAttribute['StringAttributeConstraints']): void {
  const bound = (value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > MAX_STRING_LENGTH) throw invalidParameter(`${name}: String attributes cannot have a length of more than ${MAX_STRING_LENGTH}`);
    return n;
  };
  const min = bound(constraints?.MinLength);
  const max = bound(constraints?.MaxLength);
  if (min !== undefined && max !== undefined && min > max) throw invalidParameter(`${name}: Max length cannot be less than min length.`);
}

/** A custom attribute definition: "When you add an attribute with a Name value of MyAttribute, Amazon Cognito creates the custom attribute custom:MyAttribute" (SchemaAttributeType). */
function customAttribute(given: SchemaAttribute): SchemaAttributeRecord {
  if (given.Name === undefined) throw invalidParameter('A custom attribute needs a Name');
  const name = `custom:${given.Name}`;
  if (given.AttributeDataType === undefined) throw invalidParameter('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
  if (given.Required) throw invalidParameter('Required custom attributes are not supported currently.');
  // A legacy option ("use WriteAttributes in the user pool client ... instead"), not emulated.
  if (given.DeveloperOnlyAttribute) throw invalidParameter(`DeveloperOnlyAttribute (${given.Name}) is not supported by the sandbox; use the app client's WriteAttributes`);
  if (given.AttributeDataType === 'String') checkLengths(name, given.StringAttributeConstraints);
  return {
    Name: name,
    AttributeDataType: given.AttributeDataType,
    DeveloperOnlyAttribute: false,
    Mutable: given.Mutable ?? true,
    Required: false,
    ...(given.AttributeDataType === 'String' ? { StringAttributeConstraints: { ...given.StringAttributeConstraints } } : {}),
    ...(given.AttributeDataType === 'Number' ? { NumberAttributeConstraints: { ...given.NumberAttributeConstraints } } : {}),
  };
}

/** Standard attributes in CreateUserPool's `Schema` change only `Required` and `Mutable`. */
function overrideStandard(standard: SchemaAttributeRecord, given: SchemaAttribute): SchemaAttributeRecord {
  if ((given.AttributeDataType !== undefined && given.AttributeDataType !== standard.AttributeDataType) || given.DeveloperOnlyAttribute) {
    throw invalidParameter(`You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute ${standard.Name}`);
  }
  return { ...standard, Mutable: given.Mutable ?? standard.Mutable, Required: given.Required ?? standard.Required };
}

/** Adds custom attributes to a schema: "add only" (they can never be removed), and a name that exists is refused. */
export function withCustomAttributes(schema: readonly SchemaAttributeRecord[], given: readonly SchemaAttribute[]): SchemaAttributeRecord[] {
  const next = [...schema];
  for (const attribute of given.map(customAttribute)) {
    if (next.some((a) => a.Name === attribute.Name)) throw invalidParameter(`${attribute.Name}: Existing attribute already has name ${attribute.Name}.`);
    next.push(attribute);
  }
  if (next.filter((a) => a.Name.startsWith('custom:')).length > MAX_CUSTOM_ATTRIBUTES) {
    throw invalidParameter(`A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`);
  }
  return next;
}

/** The schema of a new pool: the standard attributes (with CreateUserPool's overrides), then the custom ones. */
export function poolSchema(given: readonly SchemaAttribute[] = []): SchemaAttributeRecord[] {
  const standard = standardSchema();
  const overridden = standard.map((attribute) => {
    const override = given.find((g) => g.Name === attribute.Name);
    return override ? overrideStandard(attribute, override) : attribute;
  });
  return withCustomAttributes(overridden, given.filter((g) => !standard.some((s) => s.Name === g.Name)));
}
