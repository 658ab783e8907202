/** Bounds a Redis round trip: the producer connection fails fast, this also bounds a slow one. */
export async function withinMs<T>(ms: number, work: Promise<T>, what = 'redis'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
