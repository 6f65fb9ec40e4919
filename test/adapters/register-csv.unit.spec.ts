import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { csvCell, streamRegisterCsv } from '../../src/adapters/driving/http/register-csv.js';
import type { HardwareRecord, HardwareRegisterQueries, RegisterFilter } from '../../src/application/ports/read-models.js';

/** A response that reads slowly: every third write asks the writer to wait for 'drain'. */
function slowResponse() {
  const emitter = new EventEmitter();
  const chunks: string[] = [];
  let writes = 0;
  const response = Object.assign(emitter, {
    destroyed: false,
    status: () => response,
    type: () => response,
    setHeader: () => response,
    write(chunk: string) {
      chunks.push(chunk);
      writes += 1;
      if (writes % 3 !== 0) return true;
      setImmediate(() => emitter.emit('drain'));
      return false;
    },
    end: () => emitter.emit('finish'),
  });
  return { response: response as unknown as Response, text: () => chunks.join('') };
}

describe('Register CSV export', () => {
  it('streams every record past the page size by keyset, waiting whenever the client reads slower', async () => {
    const records = Array.from({ length: 2500 }, (_, i) => ({ assetTag: `HW-${String(i).padStart(5, '0')}`, serial: `S${i}`, name: `Device ${i}`, sources: [], assignee: null }) as unknown as HardwareRecord);
    const asked: RegisterFilter[] = [];
    const register = {
      search: async (filter: RegisterFilter) => {
        asked.push(filter);
        // Records in asset-tag order: the page after a position starts past its asset tag.
        const from = filter.after ? records.findIndex((r) => r.assetTag > filter.after!.assetTag) : 0;
        const items = records.slice(from, from + filter.limit!);
        return { items, total: records.length, offset: 0, limit: filter.limit! };
      },
    } as unknown as HardwareRegisterQueries;
    const { response, text } = slowResponse();
    await streamRegisterCsv(register, { status: 'available' }, response);
    const lines = text().trimEnd().split('\r\n');
    expect(lines).to.have.length(2501);
    expect(lines[2500]).to.match(/^HW-02499,S2499,Device 2499,/);
    expect(asked.map((f) => [f.after?.assetTag ?? null, f.limit, f.status]), 'by keyset, not offset').to.deep.equal([[null, 1000, 'available'], ['HW-00999', 1000, 'available'], ['HW-01999', 1000, 'available']]);
  });

  it('defuses values a spreadsheet would run as formulas, and quotes what needs quoting', () => {
    expect(csvCell('=1+2')).to.equal("'=1+2");
    expect(csvCell('+44 20')).to.equal("'+44 20");
    expect(csvCell('-x')).to.equal("'-x");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvCell('a "b", c')).to.equal('"a ""b"", c"');
    expect(csvCell(null)).to.equal('');
    expect(csvCell(199)).to.equal('199');
  });
});
