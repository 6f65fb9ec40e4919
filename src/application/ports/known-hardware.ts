/**
 * Which serials the register already holds a record for. Over a network store it spares a stream
 * read for each device that cannot have a stream yet. It is a hint, never trusted for writes: a
 * device taken for new is appended with "no stream expected", so a stream the register has not yet
 * projected turns into a conflict, and the retry reads the stream itself.
 */
export interface KnownHardware {
  existingSerials(serials: readonly string[]): Promise<Set<string>>;
}

/** For a store whose reads of absent streams cost nothing worth saving (the embedded one): every serial is read. */
export const EVERY_SERIAL_READ: KnownHardware = { existingSerials: async (serials) => new Set(serials) };
