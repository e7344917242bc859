/**
 * A minimal typed event emitter. Unlike Node's EventEmitter, emitting `error` with no listener does not throw, and
 * a listener that throws cannot break the client: both cases are handed to `onListenerError` (the client logs them).
 */

/** Listener signature for event `E` of an event map. */
export type Listener<Args extends unknown[]> = (...args: Args) => void;

/** Typed `on`/`off`/`emit` over an event map `{ name: [args] }`. */
export class TypedEvents<Events extends { [K in keyof Events]: unknown[] }> {
  // Listeners are stored untyped; on/off/emit keep each event's listener type consistent.
  private readonly listeners = new Map<keyof Events, Set<unknown>>();

  constructor(private readonly onListenerError: (event: keyof Events, error: unknown) => void) {}

  /** Adds a listener. Adding the same function twice registers it once. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
  }

  /** Removes a listener; unknown listeners are ignored. */
  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event`; returns how many there were. Never throws. */
  emit<E extends keyof Events>(event: E, ...args: Events[E]): number {
    const set = this.listeners.get(event);
    if (set === undefined || set.size === 0) return 0;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[E]>)(...args);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
    return set.size;
  }

  /** Number of listeners of `event`. */
  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
