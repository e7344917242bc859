/**
 * Turning JSON values into TypeScript source text. Every emitted literal goes through here so the generated code is
 * deterministic and cannot be broken by a key or string from the schema.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A single-quoted string literal (JSON escapes, plus `'`; U+2028/9 escaped so old parsers stay happy). */
export function quote(value: string): string {
  const json = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

/** An object-literal key: a bare identifier when possible; `__proto__` is computed so it stays an ordinary key. */
export function propertyKey(key: string): string {
  if (key === '__proto__') return `['__proto__']`;
  return IDENTIFIER.test(key) ? key : quote(key);
}

/** A JSON value as a TypeScript expression. */
export function literal(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    case 'boolean':
      return String(value);
    case 'object': {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) return '{}';
      return `{ ${entries.map(([key, item]) => `${propertyKey(key)}: ${literal(item)}`).join(', ')} }`;
    }
    default:
      throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

/**
 * A regular-expression literal for `pattern` compiled with `flags`. Unescaped `/` and line terminators are escaped
 * so the literal means exactly `new RegExp(pattern, flags)` (the `u` flag allows `\/` anywhere).
 */
export function regexLiteral(pattern: string, flags: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '\\' && i + 1 < pattern.length) {
      out += char + escapeLineTerminator(pattern.charAt(i + 1));
      i++;
    } else if (char === '/') {
      out += '\\/';
    } else {
      out += escapeLineTerminator(char);
    }
  }
  return `/${out}/${flags}`;
}

function escapeLineTerminator(char: string): string {
  switch (char) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\u2028':
      return '\\u2028';
    case '\u2029':
      return '\\u2029';
    default:
      return char;
  }
}
