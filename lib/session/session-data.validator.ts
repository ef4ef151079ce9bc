import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';
import { RESERVED_KEY_PREFIX } from '../session.constants.js';
import type { SessionData } from '../stores/session-record.interface.js';

/** Session data without the library's reserved (`$`) keys: what the app itself stored. */
export function userDataOf(data: SessionData): SessionData {
  const entries = Object.entries(data);
  return Object.fromEntries(entries.filter(([key]) => !key.startsWith(RESERVED_KEY_PREFIX)));
}

/**
 * The dotted paths of the fields of `data` (reserved keys left out) that fail `dataClass`'s
 * class-validator rules.
 */
export function invalidSessionFields(dataClass: new () => object, data: SessionData): string[] {
  const instance = Object.assign(new dataClass(), userDataOf(data));
  return validateSync(instance, { forbidUnknownValues: false }).flatMap((e) => paths(e, ''));
}

function paths(error: ValidationError, parent: string): string[] {
  const path = parent + error.property;
  const children = (error.children ?? []).flatMap((child) => paths(child, `${path}.`));
  return error.constraints ? [path, ...children] : children;
}
