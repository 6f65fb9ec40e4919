import type { MdmDevice } from '../../../domain/hardware/mdm-device.js';
import type { MdmSourceName } from '../../../domain/hardware/mdm-source.js';
import type { MdmPage, MdmSource } from '../../../application/ports/mdm-source.js';

/** An MDM source over devices held in process, paged like the real ones. */
export class InMemoryMdmSource implements MdmSource {
  constructor(
    readonly name: MdmSourceName,
    private readonly fleet: () => Iterable<MdmDevice>,
    private readonly pageSize = 1000,
  ) {}

  async *devices(): AsyncIterable<MdmPage> {
    let page: MdmDevice[] = [];
    for (const device of this.fleet()) {
      page.push(device);
      if (page.length === this.pageSize) {
        yield { devices: page };
        page = [];
      }
    }
    if (page.length > 0) yield { devices: page };
  }

  async *devicesById(ids: readonly string[]): AsyncIterable<MdmPage> {
    const wanted = new Set(ids);
    const devices = [...this.fleet()].filter((d) => wanted.has(d.sourceDeviceId));
    const found = new Set(devices.map((d) => d.sourceDeviceId));
    const rejected = ids
      .filter((id) => !found.has(id))
      .map((id, i) => ({ position: i + 1, sourceDeviceId: id, reason: 'no-longer-in-mdm' as const, detail: `The MDM no longer has device ${id}.` }));
    yield { devices, rejected };
  }
}
