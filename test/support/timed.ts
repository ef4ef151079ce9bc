/** How long `work` took to settle, with its result: for "does not hang" bounds only. */
export async function timed<T>(work: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work;
  return { result, ms: performance.now() - started };
}
