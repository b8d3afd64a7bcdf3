import { GridworkError, type Responsibility } from '@gridwork/contracts';

/** A responsibility names a department or a level, matching its kind; anything else is refused naming the field. */
export function assertResponsibility(responsible: Responsibility, field: string): Responsibility {
  const messages: string[] = [];
  if (responsible.kind === 'department') {
    if (!responsible.department) messages.push(`${field}.department is required when kind is department`);
    if (responsible.level) messages.push(`${field}.level must be left out when kind is department`);
  } else {
    if (!responsible.level) messages.push(`${field}.level is required when kind is level`);
    if (responsible.department) messages.push(`${field}.department must be left out when kind is level`);
  }
  if (messages.length > 0) throw GridworkError.validation([{ field, messages }]);
  return responsible.kind === 'department' ? { kind: 'department', department: responsible.department } : { kind: 'level', level: responsible.level };
}
