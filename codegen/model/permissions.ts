/**
 * Who may publish and subscribe to what, per role, as the operations say. The roles are the operations' tags; a
 * `send` operation lets its role publish on its channel's subject and a `receive` operation lets it subscribe; a
 * `reply` on a `send` means the role needs a reply inbox, on a `receive` that it answers on the requester's inbox.
 * A channel parameter that is the role's own identity (`x-identity-of`, identity.ts) becomes `{self}`, any other
 * parameter `*`. Reply-only channels (null address) give no subject: their replies travel on inboxes.
 */
import type { AsyncAPIDocumentInterface, ChannelInterface } from '@asyncapi/parser';
import type { Diagnostic } from '../input/diagnostics.js';
import { childPointer, refKey, type SourceRef, type SourceSet } from '../input/sources.js';
import { identityRoles } from './identity.js';

/** Where a subject template names the node's own id; the runtime (`natsPermissions`) replaces it. */
export const SELF_PLACEHOLDER = '{self}';

/** What one role may do on NATS. */
export interface RoleModel {
  /** The tag, e.g. `worker`. */
  name: string;
  /** The tag's description. */
  description: string | undefined;
  /** Subject templates of its `send` operations, in document order. */
  publish: string[];
  /** Subject templates of its `receive` operations, in document order. */
  subscribe: string[];
  /** A `send` operation declares a reply: the role sends requests and needs an inbox for their replies. */
  requests: boolean;
  /** A `receive` operation declares a reply: the role answers requests on the requester's inbox. */
  replies: boolean;
}

/** The roles of the document, in the order their tags first appear, and the problems of `x-identity-of`. */
export function modelRoles(document: AsyncAPIDocumentInterface, sources: SourceSet, mainFile: string): { roles: RoleModel[]; diagnostics: Diagnostic[] } {
  const roles = new Map<string, RoleModel>();
  const operations = document.operations().all();
  for (const operation of operations) {
    for (const tag of operation.tags().all()) {
      if (!roles.has(tag.name()))
        roles.set(tag.name(), { name: tag.name(), description: tag.description(), publish: [], subscribe: [], requests: false, replies: false });
    }
  }
  const parameterAt = (channel: ChannelInterface, name: string): SourceRef => {
    const at = { file: mainFile, pointer: childPointer(childPointer(childPointer('/channels', channel.id()), 'parameters'), name) };
    const followed = sources.follow(at);
    return followed.ok ? followed.at : at;
  };
  const addressed = document
    .channels()
    .all()
    .filter((c) => typeof c.address() === 'string');
  const parameters = addressed.flatMap((c) => addressParameterNames(c.address() ?? '').map((name) => parameterAt(c, name)));
  const identities = identityRoles(sources, parameters, new Set(roles.keys()));

  for (const operation of operations) {
    const send = operation.action() === 'send';
    for (const tag of operation.tags().all()) {
      const role = roles.get(tag.name());
      if (role === undefined) continue;
      if (operation.reply() !== undefined) {
        if (send) role.requests = true;
        else role.replies = true;
      }
      for (const channel of operation.channels().all()) {
        const address = channel.address();
        if (typeof address !== 'string') continue;
        const subject = subjectTemplate(address, (name) => identities.byParameter.get(refKey(parameterAt(channel, name))) === role.name);
        const list = send ? role.publish : role.subscribe;
        if (!list.includes(subject)) list.push(subject);
      }
    }
  }
  return { roles: [...roles.values()], diagnostics: identities.diagnostics };
}

/** `address` with each `{param}` token as {@link SELF_PLACEHOLDER} when `isSelf(param)`, else `*`. */
export function subjectTemplate(address: string, isSelf: (parameter: string) => boolean): string {
  return address
    .split('.')
    .map((token) => {
      const name = /^\{([^{}]+)\}$/.exec(token)?.[1];
      if (name === undefined) return token;
      return isSelf(name) ? SELF_PLACEHOLDER : '*';
    })
    .join('.');
}

function addressParameterNames(address: string): string[] {
  return [...address.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? '');
}
