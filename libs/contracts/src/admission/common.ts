import { IsOptional, IsString, Length, registerDecorator, type ValidationArguments } from 'class-validator';

/*
 * What every part of the admission service (社区事务准入制) shares: the levels
 * a task may be pushed down to, item codes, and who acts.
 */

/** The levels a department may push a task down to: a community (社区) or a grid (网格). */
export const ADMISSION_LEVELS = ['community', 'grid'] as const;
export type AdmissionLevel = (typeof ADMISSION_LEVELS)[number];

/** An item's code on the lists: lower-case words with dots or dashes, e.g. `safety-patrol`, `civil-affairs.subsidy-check`. */
export const ITEM_CODE = /^[a-z0-9][a-z0-9.-]{0,59}$/;
export const ITEM_CODE_OPTIONS = { message: '$property must be 1-60 lower-case letters, digits, dots or dashes, starting with a letter or digit' };

/** Most entries one list version holds; a real list holds tens to a few hundred. */
export const MAX_LIST_ENTRIES = 2_000;

/** Someone of the burden-reduction office or a reviewer acting: the gateway fills it from the person's token. */
export class AdmissionActor {
  @IsString() @Length(1, 100) id: string;
  @IsOptional() @IsString() @Length(1, 100) name?: string;
}

/**
 * A field that may be given only when `applies` holds for the object (a grid
 * item's type, an admitted list's level): refused, with `message`, when it is
 * given otherwise.
 */
export function OnlyWhen<T>(applies: (object: T) => boolean, message: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'onlyWhen',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} ${message}` },
      validator: { validate: (value: unknown, args: ValidationArguments) => value === undefined || applies(args.object as T) },
    });
}
