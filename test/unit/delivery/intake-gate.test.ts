import { describe, expect, it } from 'vitest';
import { closableIntake } from '../../../src/delivery/intake-gate.js';
import type { Intake, IntakeResult } from '../../../src/delivery/intake-types.js';

const OK: IntakeResult = { ok: true, accepted: 1, notifications: ['n'], duplicates: 0, skipped: 0, muted: 0 };

/** An intake whose accepts finish when the test says so (or fail). */
function heldIntake() {
  const pending: { resolve: (r: IntakeResult) => void; reject: (e: Error) => void }[] = [];
  const intake: Intake = { accept: () => new Promise((resolve, reject) => pending.push({ resolve, reject })) };
  return { intake, pending };
}

const settled = async (p: Promise<unknown>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);

describe('closableIntake', () => {
  it('closes only once the accepts already running have finished, failed ones included', async () => {
    const { intake, pending } = heldIntake();
    const gate = closableIntake(intake);
    const first = gate.accept([]);
    const second = gate.accept([]);
    first.catch(() => undefined);
    const closing = gate.close(60_000);
    expect(await settled(closing)).toBe(false);
    pending[0]!.reject(new Error('store down'));
    expect(await settled(closing)).toBe(false);
    pending[1]!.resolve(OK);
    expect(await settled(closing)).toBe(true);
    expect(await second).toEqual(OK);
  });

  it('refuses accepts once closing, and closes at once with none running', async () => {
    const { intake, pending } = heldIntake();
    const gate = closableIntake(intake);
    await gate.close(60_000);
    expect(await gate.accept([])).toMatchObject({ ok: false, reason: 'shutting_down' });
    expect(pending).toHaveLength(0);
  });

  it('a second close while accepts run resolves both once they finish (a library user stopping twice)', async () => {
    const { intake, pending } = heldIntake();
    const gate = closableIntake(intake);
    const running = gate.accept([]);
    const first = gate.close(60_000);
    const second = gate.close(60_000);
    pending[0]!.resolve(OK);
    await running;
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
  });

  it('stops waiting after waitMs for an accept that never finishes', async () => {
    const { intake } = heldIntake();
    const gate = closableIntake(intake);
    void gate.accept([]);
    expect(await settled(gate.close(5))).toBe(true);
  });
});
