import { describe, expect, test } from 'vitest';
import { FairQueue } from '@/src/vlm/fair-queue';

describe('fair queue', () => {
  test('takes turns between requesters, FIFO within one', () => {
    const q = new FairQueue<string>();
    q.push('tab-1', 'a1');
    q.push('tab-1', 'a2');
    q.push('tab-1', 'a3');
    q.push('tab-2', 'b1');
    q.push('tab-3', 'c1');
    q.push('tab-2', 'b2');
    expect(q.ordered()).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    const served: string[] = [];
    for (let item = q.shift(); item !== undefined; item = q.shift()) served.push(item);
    expect(served).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    expect(q.size).toBe(0);
  });

  test('a tab that asks again right after its answer waits behind a tab that has not been served', () => {
    const q = new FairQueue<string>();
    q.push('tab-1', 'a1');
    expect(q.shift()).toBe('a1');
    q.push('tab-1', 'a2');
    q.push('tab-2', 'b1');
    expect(q.ordered()).toEqual(['b1', 'a2']);
    expect(q.shift()).toBe('b1');
    q.forget('tab-2');
    q.push('tab-2', 'b2');
    // tab-2's history is gone: it starts fresh (0 served) and goes before tab-1 (1 served).
    expect(q.ordered()).toEqual(['b2', 'a2']);
  });

  test('removes items and whole lanes', () => {
    const q = new FairQueue<string>();
    q.push('tab-1', 'a1');
    q.push('tab-2', 'b1');
    q.push('tab-1', 'a2');
    expect(q.remove((x) => x.startsWith('a'))).toEqual(['a1', 'a2']);
    expect(q.ordered()).toEqual(['b1']);
    expect(q.shift()).toBe('b1');
    expect(q.shift()).toBeUndefined();
  });
});
