import { expect } from 'chai';
import type { Db, Document } from 'mongodb';
import { MongoReadModels } from '../../../src/adapters/driven/mongodb/mongo-read-models.js';
import { entry } from '../../contracts/read-models.contract.js';

const AUDIT_LOG = 'import_audit_log';

/**
 * The MongoDB audit log's indexes hold the list's whole order. Run on the benchmark's model of
 * MongoDB, and on a real server when there is one (`explain` only there: the model has no planner).
 */
export function mongoAuditIndexSpec(name: string, open: () => Promise<{ db: Db; close(): Promise<void> }>, { explain = false } = {}): void {
  describe(`MongoDB audit log indexes: ${name}`, () => {
    it('lists entries, by source or not, from an index that holds the whole order, start and then run id', async () => {
      const { db, close } = await open();
      try {
        const models = new MongoReadModels(db);
        await models.ensureIndexes();
        const keys = (await db.collection(AUDIT_LOG).listIndexes().toArray()).map((index) => index.key as Document);
        expect(keys).to.deep.include({ startedAt: -1, _id: -1 });
        expect(keys).to.deep.include({ source: 1, startedAt: -1, _id: -1 });
        await models.auditLog.commit([entry('r1'), entry('r2', { source: 'jamf' })], 1);
        if (explain) {
          for (const query of [{}, { source: 'jamf' }]) {
            const plan = JSON.stringify(await db.collection(AUDIT_LOG).find(query).sort({ startedAt: -1, _id: -1 }).limit(5).explain('queryPlanner'));
            expect(plan, 'no sort in memory').to.not.include('"stage":"SORT"');
          }
        }
      } finally {
        await close();
      }
    });
  });
}
