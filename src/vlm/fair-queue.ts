interface Entry<T> {
  item: T;
  seq: number;
}

/**
 * Requests from several requesters (tabs) served one at a time. The next request comes from the
 * requester served least so far (ties: whoever has waited longest), first-in-first-out within a
 * requester, so a tab asking many questions cannot starve another, even when it asks again the
 * moment its last answer ends.
 */
export class FairQueue<T> {
  private readonly lanes = new Map<string, Entry<T>[]>();
  private readonly served = new Map<string, number>();
  private seq = 0;

  get size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.length;
    return n;
  }

  push(requester: string, item: T): void {
    const lane = this.lanes.get(requester) ?? [];
    lane.push({ item, seq: this.seq++ });
    this.lanes.set(requester, lane);
  }

  shift(): T | undefined {
    const requester = pickNext(this.lanes, this.served);
    if (requester === undefined) return undefined;
    const lane = this.lanes.get(requester) ?? [];
    const entry = lane.shift();
    if (lane.length === 0) this.lanes.delete(requester);
    this.served.set(requester, (this.served.get(requester) ?? 0) + 1);
    return entry?.item;
  }

  /** Removes matching items; returns them. */
  remove(predicate: (item: T) => boolean): T[] {
    const removed: T[] = [];
    for (const [requester, lane] of this.lanes) {
      const kept = lane.filter((entry) => {
        if (!predicate(entry.item)) return true;
        removed.push(entry.item);
        return false;
      });
      if (kept.length > 0) this.lanes.set(requester, kept);
      else this.lanes.delete(requester);
    }
    return removed;
  }

  /** A requester that went away: its share history no longer matters. */
  forget(requester: string): void {
    this.served.delete(requester);
    this.lanes.delete(requester);
  }

  /** Every queued item, in the order it would be served. */
  ordered(): T[] {
    const lanes = new Map([...this.lanes].map(([r, lane]) => [r, [...lane]]));
    const served = new Map(this.served);
    const out: T[] = [];
    for (let r = pickNext(lanes, served); r !== undefined; r = pickNext(lanes, served)) {
      const lane = lanes.get(r) ?? [];
      const entry = lane.shift();
      if (entry) out.push(entry.item);
      if (lane.length === 0) lanes.delete(r);
      served.set(r, (served.get(r) ?? 0) + 1);
    }
    return out;
  }
}

function pickNext<T>(
  lanes: Map<string, Entry<T>[]>,
  served: Map<string, number>,
): string | undefined {
  let best: { requester: string; served: number; seq: number } | undefined;
  for (const [requester, lane] of lanes) {
    const head = lane[0];
    if (!head) continue;
    const count = served.get(requester) ?? 0;
    if (!best || count < best.served || (count === best.served && head.seq < best.seq)) {
      best = { requester, served: count, seq: head.seq };
    }
  }
  return best?.requester;
}
