/**
 * Requests from several requesters (tabs) served one at a time, round-robin across requesters
 * and first-in-first-out within one, so a tab asking many questions cannot starve another.
 */
export class FairQueue<T> {
  private readonly lanes = new Map<string, T[]>();
  private order: string[] = [];

  get size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.length;
    return n;
  }

  push(requester: string, item: T): void {
    const lane = this.lanes.get(requester);
    if (lane) lane.push(item);
    else {
      this.lanes.set(requester, [item]);
      this.order.push(requester);
    }
  }

  /** The next item, taking turns between requesters. */
  shift(): T | undefined {
    const requester = this.order.shift();
    if (requester === undefined) return undefined;
    const lane = this.lanes.get(requester) ?? [];
    const item = lane.shift();
    if (lane.length > 0) this.order.push(requester);
    else this.lanes.delete(requester);
    return item;
  }

  /** Removes matching items; returns them. */
  remove(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (const [requester, lane] of this.lanes) {
      const kept = lane.filter((item) => {
        if (predicate(item)) {
          removed.push(item);
          return false;
        }
        return true;
      });
      if (kept.length > 0) this.lanes.set(requester, kept);
      else {
        this.lanes.delete(requester);
        this.order = this.order.filter((r) => r !== requester);
      }
    }
    return removed;
  }

  /** Every queued item, in the order it would be served. */
  ordered(): T[] {
    const lanes = this.order.map((r) => [...(this.lanes.get(r) ?? [])]);
    const out: T[] = [];
    while (lanes.some((lane) => lane.length > 0)) {
      for (const lane of lanes) {
        const item = lane.shift();
        if (item !== undefined) out.push(item);
      }
    }
    return out;
  }
}
