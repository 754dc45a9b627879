import { describe, expect, it } from 'vitest';
import { answerAtTurnEnd } from '../../../src/http/answer-at-turn-end.js';

describe('answerAtTurnEnd', () => {
  it('answers requests finished in one turn together at its end, before what they scheduled for that end', async () => {
    const order: string[] = [];
    // Stands for the I/O of this turn being done: answers leave in the check phase, not as each request ends.
    setImmediate(() => order.push('check phase'));
    const request = (name: string) =>
      answerAtTurnEnd(async () => {
        order.push(`${name} handled`);
        // What the memory queue does on enqueue: wake its worker at the end of the turn.
        setImmediate(() => order.push(`${name} worker woken`));
      }).then(() => order.push(`${name} answered`));
    await Promise.all([request('a'), request('b')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['a handled', 'b handled', 'check phase', 'a answered', 'b answered', 'a worker woken', 'b worker woken']);
  });

  it('does not hold a request that finishes in a later turn (a Redis round trip) for yet another turn', async () => {
    const order: string[] = [];
    const answered = answerAtTurnEnd(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('handled');
      setImmediate(() => order.push('next turn end'));
    }).then(() => order.push('answered'));
    await answered;
    expect(order).toEqual(['handled', 'answered']);
  });

  it('passes a failure of the request through', async () => {
    await expect(answerAtTurnEnd(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
