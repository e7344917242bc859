/**
 * The concrete subjects of one channel, each built and checked once. A channel without parameters has a single
 * subject. A channel with one parameter sees the same few values again and again (one per worker), so its subjects
 * are remembered by that value, up to {@link MAX_BUILT_SUBJECTS} (then all forgotten at once, so memory stays
 * bounded whatever values arrive). A channel with more parameters builds every time. Building checks each value
 * (one NATS token that passes its schema); a value that fails is never remembered.
 */
import type { SubjectTemplate } from '../base/subjects.js';
import { NO_PARAMS } from './channel-arguments.js';

/** Subjects a parameterised channel remembers. */
export const MAX_BUILT_SUBJECTS = 1024;

/** The subjects of one channel's template. */
export class SubjectCache {
  /** The subject of a channel without parameters; empty otherwise. */
  private readonly fixed: string;
  /** The name of the only parameter; undefined for none or several. */
  private readonly single: string | undefined;
  private readonly built = new Map<string, string>();

  constructor(private readonly template: SubjectTemplate<string>) {
    const parameters = template.parameters;
    this.fixed = parameters.length === 0 ? template.build(NO_PARAMS) : '';
    this.single = parameters.length === 1 ? parameters[0] : undefined;
  }

  /** Subjects remembered now. */
  get size(): number {
    return this.built.size;
  }

  /** The subject for `params`. Throws `SubjectError`, as the template does, for a missing or invalid value. */
  subject(params: Readonly<Record<string, unknown>> | undefined): string {
    if (this.template.parameters.length === 0) return this.fixed;
    const value = this.single === undefined ? undefined : params?.[this.single];
    // Anything else (a missing object or value, a number from untyped callers, several parameters) gets built anew.
    if (typeof value !== 'string') return this.template.build((params ?? NO_PARAMS) as Readonly<Record<string, string>>);
    let subject = this.built.get(value);
    if (subject === undefined) {
      subject = this.template.build(params as Readonly<Record<string, string>>);
      if (this.built.size >= MAX_BUILT_SUBJECTS) this.built.clear();
      this.built.set(value, subject);
    }
    return subject;
  }
}
