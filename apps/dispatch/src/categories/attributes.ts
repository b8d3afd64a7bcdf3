import { GridworkError, type CategoryAttribute, type FieldError } from '@gridwork/contracts';

const LIST_TYPES = ['singlevaluelist', 'multivaluelist'];
/** The longest answer of each free-text datatype. */
const MAX_LENGTH: Record<string, number> = { string: 300, text: 4000 };

/** A category's attributes, checked as a whole: codes unique, choices exactly for the list datatypes, each choice's key once. */
export function assertAttributes(attributes: CategoryAttribute[]): CategoryAttribute[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  attributes.forEach((attribute, i) => {
    const field = `attributes[${i}]`;
    if (seen.has(attribute.code)) problems.push({ field: `${field}.code`, messages: [`attribute ${attribute.code} is given twice`] });
    seen.add(attribute.code);
    const isList = LIST_TYPES.includes(attribute.datatype);
    if (isList && !attribute.values?.length) problems.push({ field: `${field}.values`, messages: [`a ${attribute.datatype} needs its values`] });
    if (!isList && attribute.values !== undefined) problems.push({ field: `${field}.values`, messages: [`only a singlevaluelist or multivaluelist has values, not a ${attribute.datatype}`] });
    const keys = attribute.values?.map((value) => value.key) ?? [];
    if (new Set(keys).size !== keys.length) problems.push({ field: `${field}.values`, messages: ['each value key must be given once'] });
  });
  if (problems.length > 0) throw GridworkError.validation(problems);
  return [...attributes].sort((a, b) => a.order - b.order);
}

/**
 * A report's answers checked against its category's attributes: every
 * required one answered, no unknown one, each of its datatype (a number, an
 * ISO 8601 instant, a key of the choices). Answers the values to keep, or
 * the problems, each naming `attributes.<code>`.
 */
export function checkAnswers(attributes: CategoryAttribute[], answers: Record<string, unknown> | undefined): { kept?: Record<string, string | number | string[]>; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const given = answers ?? {};
  const kept: Record<string, string | number | string[]> = {};
  const byCode = new Map(attributes.map((attribute) => [attribute.code, attribute]));
  for (const code of Object.keys(given)) {
    if (!byCode.has(code)) problems.push({ field: `attributes.${code}`, messages: [attributes.length ? `the category has no attribute ${code} (it has ${[...byCode.keys()].join(', ')})` : 'the category has no attributes'] });
  }
  for (const attribute of attributes) {
    const field = `attributes.${attribute.code}`;
    const value = given[attribute.code];
    const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (attribute.required) problems.push({ field, messages: [`${attribute.code} is required: ${attribute.description}`] });
      continue;
    }
    const answer = answerOf(attribute, value);
    if (typeof answer === 'object' && !Array.isArray(answer)) problems.push({ field, messages: [answer.problem] });
    else kept[attribute.code] = answer;
  }
  return problems.length > 0 ? { problems } : { kept: Object.keys(kept).length ? kept : undefined, problems };
}

function answerOf(attribute: CategoryAttribute, value: unknown): string | number | string[] | { problem: string } {
  const keys = new Set(attribute.values?.map((choice) => choice.key) ?? []);
  const choices = () => [...keys].join(', ');
  switch (attribute.datatype) {
    case 'string':
    case 'text':
      return typeof value === 'string' && value.length <= MAX_LENGTH[attribute.datatype]!
        ? value
        : { problem: `${attribute.code} must be text of at most ${MAX_LENGTH[attribute.datatype]} characters` };
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
      return Number.isFinite(number) ? number : { problem: `${attribute.code} must be a number` };
    }
    case 'datetime':
      return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) && !Number.isNaN(Date.parse(value))
        ? new Date(value).toISOString()
        : { problem: `${attribute.code} must be an ISO 8601 datetime with its offset, e.g. 2026-12-07T09:30:00+08:00` };
    case 'singlevaluelist':
      return typeof value === 'string' && keys.has(value) ? value : { problem: `${attribute.code} must be one of ${choices()}` };
    case 'multivaluelist': {
      const list = Array.isArray(value) ? value : [value];
      return list.every((item) => typeof item === 'string' && keys.has(item)) && new Set(list).size === list.length
        ? (list as string[])
        : { problem: `${attribute.code} must be a list of distinct values from ${choices()}` };
    }
  }
}
