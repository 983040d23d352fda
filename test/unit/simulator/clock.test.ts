import { describe, expect, it } from '@jest/globals';
import { ScaledClock, VirtualClock, seededRandom } from '../../../simulator/clock.js';

describe('ScaledClock', () => {
  it('runs `factor` times faster than the clock underneath, for now() and for timers', async () => {
    const base = new VirtualClock(1_000_000);
    const clock = new ScaledClock({ factor: 4, base, start: 0 });
    const fired: number[] = [];
    clock.setTimer(15_000, () => fired.push(clock.now()));
    await base.advance(3_749);
    expect(fired).toEqual([]);
    expect(clock.now()).toBe(14_996);
    await base.advance(1);
    expect(fired).toEqual([15_000]);
  });

  it('sleeps in simulated time', async () => {
    const base = new VirtualClock(0);
    const clock = new ScaledClock({ factor: 10, base });
    let woke = false;
    void clock.sleep(1_000).then(() => (woke = true));
    await base.advance(99);
    expect(woke).toBe(false);
    await base.advance(1);
    expect(woke).toBe(true);
  });

  it('refuses a factor that is not positive', () => {
    expect(() => new ScaledClock({ factor: 0, base: new VirtualClock(0) })).toThrow(
      'time compression factor must be a positive number',
    );
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
