/**
 * The structural diff of two contracts: channels (address, parameters, messages), operations (action, channel,
 * messages, reply) and components.messages. Removing or renaming any of them, changing an address or a parameter,
 * or changing a reply breaks both sides; adding one breaks nobody (except a new message on an existing channel,
 * which readers on the old contract cannot decode). Payloads go to ./schemas.ts.
 */
import type { Breaks, Change } from './change.js';
import type { Json, LoadedContract } from './load.js';
import { compareSchemas } from './schemas.js';

type Obj = Record<string, Json>;
const isObject = (value: Json | undefined): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const section = (doc: Obj, key: string): Obj => (isObject(doc[key]) ? doc[key] : {});
/** The last segment of a `$ref` (operations keep their references), or undefined. */
const refName = (value: Json | undefined): string | undefined => (isObject(value) && typeof value.$ref === 'string' ? value.$ref.split('/').at(-1) : undefined);
/** Parameter and message objects without their documentation, for comparison. */
const DOC_KEYS = new Set(['description', 'summary', 'title', 'examples', 'tags', 'externalDocs', 'x-parser-schema-id']);
/**
 * The extensions that change which values a parameter takes. Any other `x-` key changes no message: `x-identity-of`,
 * for one, says which node may use a subject, which is the server's business, not the peers'.
 */
const VALUE_EXTENSIONS = new Set(['x-format', 'x-pattern']);
const ignored = (key: string): boolean => DOC_KEYS.has(key) || (key.startsWith('x-') && !VALUE_EXTENSIONS.has(key));
function semantic(value: Json | undefined): string {
  const strip = (node: Json | undefined): Json | undefined => {
    if (Array.isArray(node)) return node.map((item) => strip(item) ?? null);
    if (!isObject(node)) return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => !ignored(key))
        .map(([key, v]) => [key, strip(v) ?? null]),
    );
  };
  return JSON.stringify(strip(value) ?? null);
}

/** Every change between the old and the new contract. */
export function compareContracts(before: LoadedContract, after: LoadedContract): Change[] {
  const out: Change[] = [];
  const at = (node: Json | undefined, fallback: string): string => (isObject(node) ? (after.where(node) ?? before.where(node) ?? fallback) : fallback);
  const add = (location: string, kind: string, breaks: Breaks, detail: string): void => {
    out.push({ location, kind, breaks, detail, decidedBy: 'structure' });
  };
  const root = `${after.label.split(':').at(-1) ?? 'asyncapi.yaml'}#`;

  // channels
  const chBefore = section(before.document, 'channels');
  const chAfter = section(after.document, 'channels');
  for (const [id, old] of Object.entries(chBefore)) {
    const now = chAfter[id];
    if (!isObject(now) || !isObject(old)) {
      add(`${root}/channels/${id}`, 'channel-removed', 'both', `channel "${id}" is gone (or renamed): peers on the old contract still use it`);
      continue;
    }
    const here = at(now, `${root}/channels/${id}`);
    if (JSON.stringify(old.address ?? null) !== JSON.stringify(now.address ?? null)) {
      add(`${here}/address`, 'address-changed', 'both', `address ${JSON.stringify(old.address ?? null)} → ${JSON.stringify(now.address ?? null)}`);
    }
    const pb = isObject(old.parameters) ? old.parameters : {};
    const pa = isObject(now.parameters) ? now.parameters : {};
    for (const name of new Set([...Object.keys(pb), ...Object.keys(pa)])) {
      if (!(name in pa)) add(`${here}/parameters/${name}`, 'parameter-removed', 'both', `parameter "${name}" removed`);
      else if (!(name in pb)) add(`${here}/parameters/${name}`, 'parameter-added', 'both', `parameter "${name}" added`);
      else if (semantic(pb[name]) !== semantic(pa[name]))
        add(`${here}/parameters/${name}`, 'parameter-changed', 'both', `parameter "${name}": ${semantic(pb[name])} → ${semantic(pa[name])}`);
    }
    const mb = isObject(old.messages) ? old.messages : {};
    const ma = isObject(now.messages) ? now.messages : {};
    for (const key of Object.keys(mb)) {
      if (!(key in ma)) add(`${here}/messages/${key}`, 'channel-message-removed', 'both', `message "${key}" no longer on channel "${id}"`);
    }
    for (const key of Object.keys(ma)) {
      if (!(key in mb))
        add(
          `${here}/messages/${key}`,
          'channel-message-added',
          'readers',
          `message "${key}" added to channel "${id}": readers on the old contract cannot decode it`,
        );
    }
  }
  for (const id of Object.keys(chAfter)) {
    if (!(id in chBefore)) add(at(chAfter[id], `${root}/channels/${id}`), 'channel-added', 'none', `channel "${id}" added`);
  }

  // operations
  const opBefore = section(before.document, 'operations');
  const opAfter = section(after.document, 'operations');
  for (const [id, old] of Object.entries(opBefore)) {
    const now = opAfter[id];
    if (!isObject(now) || !isObject(old)) {
      add(`${root}/operations/${id}`, 'operation-removed', 'both', `operation "${id}" is gone (or renamed)`);
      continue;
    }
    const here = at(now, `${root}/operations/${id}`);
    if (old.action !== now.action)
      add(`${here}/action`, 'operation-action-changed', 'both', `action ${JSON.stringify(old.action ?? null)} → ${JSON.stringify(now.action ?? null)}`);
    if (refName(old.channel) !== refName(now.channel))
      add(`${here}/channel`, 'operation-channel-changed', 'both', `channel ${String(refName(old.channel))} → ${String(refName(now.channel))}`);
    const refs = (list: Json | undefined): string =>
      JSON.stringify((Array.isArray(list) ? list : []).map((m) => (isObject(m) && typeof m.$ref === 'string' ? m.$ref : null)).sort());
    if (refs(old.messages) !== refs(now.messages))
      add(`${here}/messages`, 'operation-messages-changed', 'both', `messages ${refs(old.messages)} → ${refs(now.messages)}`);
    const rb = isObject(old.reply) ? old.reply : undefined;
    const ra = isObject(now.reply) ? now.reply : undefined;
    if (rb === undefined && ra !== undefined) add(`${here}/reply`, 'reply-added', 'both', 'the operation now has a reply');
    else if (rb !== undefined && ra === undefined) add(`${here}/reply`, 'reply-removed', 'both', 'the operation no longer has a reply');
    else if (
      rb !== undefined &&
      ra !== undefined &&
      (refName(rb.channel) !== refName(ra.channel) ||
        refs(rb.messages) !== refs(ra.messages) ||
        JSON.stringify(rb.address ?? null) !== JSON.stringify(ra.address ?? null))
    ) {
      add(
        `${here}/reply`,
        'reply-changed',
        'both',
        `reply channel ${String(refName(rb.channel))} → ${String(refName(ra.channel))}, messages ${refs(rb.messages)} → ${refs(ra.messages)}`,
      );
    }
  }
  for (const id of Object.keys(opAfter)) {
    if (!(id in opBefore)) add(at(opAfter[id], `${root}/operations/${id}`), 'operation-added', 'none', `operation "${id}" added`);
  }

  // messages, and their payloads
  const msgBefore = section(section(before.document, 'components'), 'messages');
  const msgAfter = section(section(after.document, 'components'), 'messages');
  for (const [name, old] of Object.entries(msgBefore)) {
    const now = msgAfter[name];
    if (!isObject(now) || !isObject(old)) {
      add(`${root}/components/messages/${name}`, 'message-removed', 'both', `message "${name}" is gone (or renamed)`);
      continue;
    }
    const here = at(now, `${root}/components/messages/${name}`);
    if (JSON.stringify(old.name ?? null) !== JSON.stringify(now.name ?? null))
      add(`${here}/name`, 'message-renamed', 'both', `name ${JSON.stringify(old.name ?? null)} → ${JSON.stringify(now.name ?? null)}`);
    if (JSON.stringify(old.contentType ?? null) !== JSON.stringify(now.contentType ?? null))
      add(
        `${here}/contentType`,
        'content-type-changed',
        'both',
        `contentType ${JSON.stringify(old.contentType ?? null)} → ${JSON.stringify(now.contentType ?? null)}`,
      );
    const payload = (m: Obj): Json =>
      isObject(m.payload) && 'schema' in m.payload && 'schemaFormat' in m.payload ? (m.payload.schema ?? null) : (m.payload ?? null);
    out.push(...compareSchemas(payload(old), payload(now), `${here}/payload`, (node) => after.where(node)));
  }
  for (const name of Object.keys(msgAfter)) {
    if (!(name in msgBefore)) add(at(msgAfter[name], `${root}/components/messages/${name}`), 'message-added', 'none', `message "${name}" added`);
  }
  // A schema several messages share is compared once per message: its change is one change, at one place.
  const seen = new Set<string>();
  return out.filter((c) => {
    const key = `${c.location}\u0000${c.kind}\u0000${c.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
