import * as v from 'valibot';

/**
 * Reads a stored settings object: fields it lacks (an older version, a hand edit) take their
 * defaults, and a value that still fails the schema gives the defaults, so bad storage never
 * reaches the code that uses it.
 */
export async function readWithDefaults<T extends object>(
  item: { getValue(): Promise<unknown> },
  schema: v.GenericSchema<unknown, T>,
  defaults: T,
): Promise<T> {
  const stored = await item.getValue();
  const merged = { ...defaults, ...(typeof stored === 'object' && stored ? stored : {}) };
  const parsed = v.safeParse(schema, merged);
  return parsed.success ? parsed.output : defaults;
}
