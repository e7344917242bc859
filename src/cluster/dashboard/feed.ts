/** The dashboard's feed: membership changes and errors, numbered, the last 200 kept. */
import { Ring } from './ring.js';
import type { FeedEvent } from './views.js';

/** Longest text of one feed line; an error message past it is cut. */
const MAX_TEXT = 300;

export class EventFeed {
  private readonly ring: Ring<FeedEvent>;
  private seq = 0;

  constructor(capacity = 200) {
    this.ring = new Ring(capacity);
  }

  /** Appends an event, numbered, at `at` (default now). */
  add(event: Omit<FeedEvent, 'seq' | 'at'>, at = Date.now()): void {
    this.seq += 1;
    const text = event.text.length > MAX_TEXT ? `${event.text.slice(0, MAX_TEXT - 1)}…` : event.text;
    this.ring.push({ ...event, text, seq: this.seq, at });
  }

  all(): FeedEvent[] {
    return this.ring.all();
  }

  since(seq: number): FeedEvent[] {
    return this.ring.since(seq);
  }

  get lastSeq(): number {
    return this.ring.lastSeq;
  }
}

/** The first 8 characters of an id, as the page and the walkthrough show it. */
export const shortId = (id: string): string => id.slice(0, 8);
