/**
 * draft-07 validation §8 `contentEncoding` and `contentMediaType` on strings. Draft 7 lets a validator check them,
 * and ajv does not; the emitter checks the two the suite covers, base64 (RFC 4648 §4) and `application/json`, and
 * refuses any other rather than ignore it silently.
 */
import type { SchemaObject } from './json-schema.js';
import type { EmitState } from './state.js';
import { quote } from './source.js';

/** Whether the schema has a content keyword (both constrain strings only). */
export function hasContentKeywords(schema: SchemaObject): boolean {
  return 'contentEncoding' in schema || 'contentMediaType' in schema;
}

/** A `.refine(hasContent(...))` suffix, or ''. */
export function emitContent(schema: SchemaObject, state: EmitState): string {
  const encoding = schema.contentEncoding;
  const mediaType = schema.contentMediaType;
  if (encoding === undefined && mediaType === undefined) return '';
  const base64 = encoding !== undefined;
  if (base64 && (typeof encoding !== 'string' || encoding.toLowerCase() !== 'base64')) {
    state.unsupported(`contentEncoding: ${JSON.stringify(encoding)}`, 'only base64 is checked', ['contentEncoding']);
  }
  const json = mediaType !== undefined;
  if (json && (typeof mediaType !== 'string' || mediaType.split(';')[0]?.trim().toLowerCase() !== 'application/json')) {
    state.unsupported(`contentMediaType: ${JSON.stringify(mediaType)}`, 'only application/json is checked', ['contentMediaType']);
  }
  const what = [base64 ? 'base64' : '', json ? 'JSON' : ''].filter((word) => word !== '').join('-encoded ');
  return `.refine(${state.helper('hasContent')}(${String(base64)}, ${String(json)}), ${quote(`must be ${what}`)})`;
}
