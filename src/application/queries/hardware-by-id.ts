import { HardwareNotFound } from '../../domain/hardware/errors.js';
import { readSerial, TYPED_SERIAL } from '../../domain/hardware/serial-number.js';
import { excerpt } from '../../domain/shared/quote.js';
import type { HardwareRecord, HardwareRegisterQueries } from '../ports/read-models.js';

/** The serial an id would be if it were one; null when it could not be a serial at all. */
function asSerial(id: string): string | null {
  try {
    const reading = readSerial(id, TYPED_SERIAL);
    return reading.kind === 'serial' ? reading.serial : null;
  } catch {
    return null;
  }
}

/**
 * The record with this id, or a not-found that says what to use instead. A serial given where the id
 * belongs is the usual slip (the serial is what is printed on the device): the error then names the
 * id of the record that has that serial.
 */
export async function hardwareById(register: HardwareRegisterQueries, id: string): Promise<HardwareRecord> {
  const record = await register.byId(id);
  if (record) return record;
  const serial = asSerial(id);
  const withSerial = serial === null ? null : await register.bySerial(serial);
  throw new HardwareNotFound(
    `with id ${excerpt(id)}`,
    'id',
    withSerial
      ? `${withSerial.serial} is the serial of ${withSerial.assetTag}, whose id is ${withSerial.id}: use that id.`
      : 'Use the "id" of a record as the register lists it; to find a record by its serial, search the register by serial.',
  );
}

/**
 * The record a value given as a serial names in another way: its asset tag (the label on the device,
 * as often at hand as the serial) or its id. Null when it names no record either way.
 */
export async function namedOtherwiseThanBySerial(register: HardwareRegisterQueries, value: string): Promise<{ record: HardwareRecord; as: 'asset tag' | 'id' } | null> {
  const text = value.trim();
  for (const assetTag of new Set([text.toUpperCase(), text])) {
    const [record] = (await register.search({ assetTag, limit: 1 })).items;
    if (record) return { record, as: 'asset tag' };
  }
  const record = await register.byId(text);
  return record ? { record, as: 'id' } : null;
}
