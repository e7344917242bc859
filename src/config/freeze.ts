/** Deep freezing of loaded configuration, so no component can change what another one read. */

/** Freezes `value` and every object and array inside it; returns the same value. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
