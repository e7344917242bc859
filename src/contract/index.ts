/**
 * The contract face: everything code generated from an AsyncAPI contract imports, and the runtime half of the data
 * it declares (`natsPermissions` for generated/permissions.ts), nothing else. Generated modules reach the runtime
 * only through this file, so the runtime can change behind it.
 */
export * from './define-channel.js';
export type { ParameterLocations } from './parameter-locations.js';
export { CONTRACT_VERSION_HEADER, validatingJsonSerializer } from './typed-serializer.js';
export * from './formats.js';
export * from './permissions.js';
export * from './services.js';
