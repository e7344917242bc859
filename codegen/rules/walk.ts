/** What several rules read: the operations with where each is written, and where a channel is written. */
import type { OperationInterface } from '@asyncapi/parser';
import { childPointer, type SourceRef } from '../input/sources.js';
import type { RuleContext } from './rule.js';

/** An operation of the document, where it is written (after `$ref`s) and its raw object. */
export interface LocatedOperation {
  readonly id: string;
  readonly at: SourceRef;
  readonly json: Record<string, unknown>;
  readonly operation: OperationInterface;
}

const located = (context: RuleContext, pointer: string): SourceRef => {
  const followed = context.sources.follow({ file: context.mainFile, pointer });
  return followed.ok ? followed.at : { file: context.mainFile, pointer };
};

export function operationsOf(context: RuleContext): LocatedOperation[] {
  return (context.document?.operations().all() ?? []).map((operation) => {
    const id = operation.id() ?? '';
    return { id, at: located(context, childPointer('/operations', id)), json: operation.json<Record<string, unknown>>(), operation };
  });
}

export function channelAt(context: RuleContext, id: string): SourceRef {
  return located(context, childPointer('/channels', id));
}

/** Whether the contract names roles: some operation has a tag. */
export function namesRoles(context: RuleContext): boolean {
  return (context.document?.operations().all() ?? []).some((operation) => operation.tags().length > 0);
}
