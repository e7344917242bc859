/**
 * generated/permissions.ts: what each role of the contract may do on NATS, as plain data. It imports nothing: the
 * runtime's `natsPermissions` turns one role into a nats-server user's permissions, for one node.
 */
import { docComment, literal, propertyKey } from './common.js';
import type { RoleModel } from '../model/permissions.js';

/** The body of permissions.ts. */
export function emitPermissions(roles: readonly RoleModel[]): string {
  const entries = roles.map(
    (role) => `${docComment(role.description, '  ')}  ${propertyKey(role.name)}: {
    publish: [${role.publish.map(literal).join(', ')}],
    subscribe: [${role.subscribe.map(literal).join(', ')}],
    requests: ${String(role.requests)},
    replies: ${String(role.replies)},
  },`,
  );
  return `/**
 * What each role (the tag of an operation) may do, derived from the operations: \`publish\` lists the subjects of its
 * \`send\` operations, \`subscribe\` those of its \`receive\` operations. A parameter that is the node's own id
 * (\`x-identity-of\`) is \`{self}\`, any other \`*\`. \`requests\`: it sends requests and needs a reply inbox; \`replies\`:
 * it answers requests on the requester's inbox. \`natsPermissions\` (the runtime's contract face) makes a nats-server
 * user's permissions of one role for one node.
 */
export const rolePermissions = {
${entries.join('\n')}
} as const;
`;
}
