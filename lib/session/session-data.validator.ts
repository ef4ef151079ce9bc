import { validateSync } from 'class-validator';
import type { ValidationError } from 'class-validator';
import type { SessionData } from '../stores/session-record.interface.js';

/** The dotted paths of the fields of `data` that fail `dataClass`'s class-validator rules. */
export function invalidSessionFields(dataClass: new () => object, data: SessionData): string[] {
  const instance = Object.assign(new dataClass(), data);
  return validateSync(instance, { forbidUnknownValues: false }).flatMap((e) => paths(e, ''));
}

function paths(error: ValidationError, parent: string): string[] {
  const path = parent + error.property;
  const children = (error.children ?? []).flatMap((child) => paths(child, `${path}.`));
  return error.constraints ? [path, ...children] : children;
}
