/**
 * Waits for an ack, records the outcome, then passes on the ack's error if it failed. A failed ack may have
 * been done all the same (a slow Redis carried it out and its answer came too late): the entries are then
 * gone and never come back to be recorded, so history, statistics and a waiting library `send()` are told
 * either way. Should the ack really not have happened, the entry comes back and is recorded again.
 */
export async function ackThenRecord(ack: Promise<void>, record: () => Promise<void>): Promise<void> {
  const failed = await ack.then(() => undefined, (err: unknown) => ({ err }));
  await record();
  if (failed) throw failed.err;
}
