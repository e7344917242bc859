/**
 * The one place that decides what a secret looks like and how it is hidden. A secret is known by where it stands:
 * the value of a credential field (a secret key of an object, `"pass":"x"`, `password: x`) or the userinfo of a
 * URL. Text is never searched for a secret's value: a short or common-word password ("nats", "server") would be cut
 * out of every word that holds it, garbling the message and, by the gaps, telling the reader the password. So
 * messages are built from parts that never hold a secret, and only text from elsewhere (nats.js and Node errors,
 * nats-server output, an upstream's answer) goes through the field and URL rules below.
 */

/** What a hidden value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Keys whose value is a secret: in config files, in logged objects and in nats-server output (`"pass":…`, `token = …`). */
const VALUE_KEYS = [
  'password',
  'pass',
  'token',
  'auth_token',
  'api_key',
  'apikey',
  'authorization',
  'credentials',
  'creds',
  'nkey',
  'seed',
  'key',
  'sig',
  'jwt',
];

/**
 * Keys of sections that hold key material (`tls: { key, passphrase }`), hidden as a whole. They are not matched
 * as `key: value` in log text, where `tls:` is the prefix of Go's TLS error messages, not a secret.
 */
const SECTION_KEYS = ['tls'];

/** Every secret key name (lower case; {@link isSecretKey} ignores case). */
export const SECRET_KEYS: readonly string[] = Object.freeze([...VALUE_KEYS, ...SECTION_KEYS]);

const SECRET_KEY_SET: ReadonlySet<string> = new Set(SECRET_KEYS);

/** Whether a key's value must never be shown. Case is ignored; `keys` replaces the shared list (a config spec's own). */
export function isSecretKey(name: string, keys: readonly string[] = SECRET_KEYS): boolean {
  const lower = name.toLowerCase();
  return keys === SECRET_KEYS ? SECRET_KEY_SET.has(lower) : keys.some((key) => key.toLowerCase() === lower);
}

// `scheme://userinfo@` (RFC 3986 scheme).
const SCHEME = String.raw`[a-z][a-z0-9+.-]*:\/\/`;
/** Userinfo at the start of one URL: up to the first `@` (a `/` first means the `@` is in the path). Spaces count: a mistyped password is still a password. */
const LEADING_USERINFO = new RegExp(String.raw`^(${SCHEME})([^@/]*)@`, 'i');
/** Userinfo of URLs anywhere in text, up to the URL's last `@` before a `/`: an `@` left unencoded in a password stays hidden. No spaces, so a match never runs across words. */
const USERINFO_IN_TEXT = new RegExp(String.raw`(${SCHEME})[^/\s]*@`, 'gi');
/** A NATS server URL has no path, so everything before its last `@` is userinfo; the scheme is optional (`u:p@host:4222`). */
const SERVER_USERINFO = new RegExp(String.raw`^(${SCHEME})?([\s\S]*)@`, 'i');
/** Anything glued to an `@`: credentials of a URL that lost its `://` (`nats//user:pass@host`). */
const BEFORE_AT = /[^\s@/[\]]+@/g;

/** Removes user, password and token from a URL (and from any further URL in the string) so it can be logged or shown. Non-URLs pass through unchanged. */
export function redactUrl(url: string): string {
  // nats://user:pass@host:4222 or nats://token@host:4222 → nats://[REDACTED]@host:4222
  return url.replace(LEADING_USERINFO, `$1${REDACTED}@`).replace(USERINFO_IN_TEXT, `$1${REDACTED}@`);
}

/** Like {@link redactUrl}, and also hides whatever stands right before any `@`: for values quoted from files, which may be malformed URLs. */
export function redactLoosely(text: string): string {
  return redactUrl(text).replace(BEFORE_AT, `${REDACTED}@`);
}

/** One NATS server URL (a `serverUrl`/`servers` entry) fit to show: its userinfo, with or without a scheme, replaced by the marker. */
export function redactServerUrl(url: string): string {
  return url.replace(SERVER_USERINFO, `$1${REDACTED}@`);
}

/** Credentials found in a server URL, and the URL without them. */
export interface UrlCredentials {
  url: string;
  user?: string;
  password?: string;
  token?: string;
}

/** `decodeURIComponent`, or the text unchanged when it is not valid percent-encoding. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits `nats://user:pass@host` / `nats://token@host` / `user:pass@host` into the bare URL and the (percent-decoded) credentials. */
export function splitUrlCredentials(url: string): UrlCredentials {
  const match = SERVER_USERINFO.exec(url);
  if (match === null) return { url };
  const [whole, scheme = '', userinfo = ''] = match;
  const bare = `${scheme}${url.slice(whole.length)}`;
  const colon = userinfo.indexOf(':');
  if (colon === -1) return userinfo === '' ? { url: bare } : { url: bare, token: percentDecode(userinfo) };
  return { url: bare, user: percentDecode(userinfo.slice(0, colon)), password: percentDecode(userinfo.slice(colon + 1)) };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
const VALUE_KEY_ALTERNATIVES = VALUE_KEYS.map(escapeRegExp).join('|');
// A quoted value; one cut off at the end of the text (a line split for length) still counts.
const QUOTED = String.raw`"(?:[^"\\]|\\.)*(?:"|$)`;
// `"pass":"x"` in protocol traces (CONNECT) and JSON bodies; a bare JSON value (`"token":123`) too.
const JSON_SECRET = new RegExp(String.raw`("(?:${VALUE_KEY_ALTERNATIVES})"\s*:\s*)(?:${QUOTED}|[^\s,}\]]+)`, 'gi');
// `password: x` / `token = "x"` in config echoes, `pass:x` in Go's map printing, `authorization: Bearer x` in headers.
const CONF_SECRET = new RegExp(String.raw`\b(${VALUE_KEY_ALTERNATIVES})(\s*[:=]\s*)(?:(?:Bearer|Basic)\s+)?(?:${QUOTED}|\S+)`, 'gi');

/**
 * Hides credential fields (JSON, `key: value`, `key = value`) and URL userinfo in text that came from elsewhere: a
 * nats.js or Node error, a handler's error, an upstream's answer, a nats-server log line.
 */
export function redactText(text: string): string {
  return text
    .replace(USERINFO_IN_TEXT, `$1${REDACTED}@`)
    .replace(JSON_SECRET, `$1"${REDACTED}"`)
    .replace(CONF_SECRET, (match, key: string, separator: string) => (match.endsWith(`"${REDACTED}"`) ? match : `${key}${separator}${REDACTED}`));
}

/** Whether `text` shows a credential field or URL userinfo that {@link redactText} would hide (then it must not leave the package as it is). */
export function showsCredentials(text: string): boolean {
  return redactText(text) !== text;
}

/** nats-server's own log lines carry a level tag; its other output is start-up errors, usage text and panics. */
const LEVEL_TAG = /\[(?:TRC|DBG|INF|WRN|ERR|FTL)\]/;
/** A configuration parse error wraps the parser's message in quotes: `Parse error on line 3: '… got 'x' instead.'`. */
const PARSE_ERROR = /^(.*Parse error on line \d+: ')(.*)('\s*)$/;
const SINGLE_QUOTED = /'[^']*'/g;

/** The quoted source text in an untagged nats-server line elided: its configuration errors quote the file (`integer '…' is out of the range`), whatever field the text was in. */
function elideQuotedSource(line: string): string {
  const parse = PARSE_ERROR.exec(line);
  if (parse !== null) return `${parse[1] ?? ''}${(parse[2] ?? '').replace(SINGLE_QUOTED, "'…'")}${parse[3] ?? ''}`;
  return line.replace(SINGLE_QUOTED, "'…'");
}

/** One nats-server output line fit to show: credential fields and URL userinfo hidden, and source text quoted by a start-up error elided. */
export function redactLogLine(line: string): string {
  const redacted = redactText(line);
  return LEVEL_TAG.test(redacted) ? redacted : elideQuotedSource(redacted);
}

/**
 * A copy of a plain value (a loaded configuration, a status object) fit to print: the value of every secret key is
 * replaced by `[REDACTED]` (a secret section as a whole), and credentials inside URL strings are removed.
 */
export function redactSecrets<T>(value: T, keys: readonly string[] = SECRET_KEYS): T {
  if (typeof value === 'string') return redactUrl(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item, keys)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSecretKey(key, keys) && item !== null ? REDACTED : redactSecrets(item, keys);
  return out as T;
}
