/** A bounded list of numbered items, oldest first: appending past the capacity drops the oldest. */
export class Ring<T extends { seq: number }> {
  private readonly items: T[] = [];

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** Every item kept, oldest first (a copy). */
  all(): T[] {
    return this.items.slice();
  }

  /** The items numbered after `seq`, oldest first. */
  since(seq: number): T[] {
    let from = this.items.length;
    while (from > 0 && (this.items[from - 1]?.seq ?? 0) > seq) from -= 1;
    return this.items.slice(from);
  }

  /** The number of the newest item, or `seq` of none yet (0). */
  get lastSeq(): number {
    return this.items.at(-1)?.seq ?? 0;
  }
}
