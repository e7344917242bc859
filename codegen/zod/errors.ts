/**
 * The one error the Zod emitter throws: the schema uses a construct the emitter cannot translate faithfully. Codegen
 * reports it as a diagnostic and writes nothing, rather than emitting code that validates something else.
 */
export class UnsupportedSchemaError extends Error {
  /** The JSON Schema construct, e.g. `if/then/else`, `patternProperties`, `$ref`. */
  readonly construct: string;
  /** JSON pointer of the schema node that uses it: the context's root pointer plus the path inside the root. */
  readonly pointer: string;

  constructor(construct: string, pointer: string, hint: string) {
    super(`unsupported JSON Schema construct "${construct}" at ${pointer === '' ? '/' : pointer}: ${hint}`);
    this.name = 'UnsupportedSchemaError';
    this.construct = construct;
    this.pointer = pointer;
  }
}
