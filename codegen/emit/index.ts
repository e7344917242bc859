/**
 * generated/index.ts (the barrel) and generated/contract.ts (metadata of the contract: AsyncAPI version, id,
 * title, version, servers), so the package entry can re-export everything generated with one line.
 */
import { literal, propertyKey } from './common.js';
import type { ContractInfo } from '../model/model.js';

/** The body of index.ts: re-exports of every generated module (`modules` without extension, e.g. `schemas`). */
export function emitIndex(modules: readonly string[]): string {
  return `${modules.map((m) => `export * from './${m}.js';`).join('\n')}\n`;
}

/** The body of contract.ts. */
export function emitContract(info: ContractInfo): string {
  const servers = info.servers
    .map(
      (s) =>
        `${propertyKey(s.id)}: { host: ${literal(s.host)}, protocol: ${literal(s.protocol)}${s.description === undefined ? '' : `, description: ${literal(s.description.trim())}`} }`,
    )
    .join(',\n');
  return `/** What the code in this directory was generated from. */
export const contract = {
  asyncapi: ${literal(info.asyncapi)},
  ${info.id === undefined ? '' : `id: ${literal(info.id)},`}
  title: ${literal(info.title)},
  version: ${literal(info.version)},
  servers: {${servers}},
} as const;
`;
}
