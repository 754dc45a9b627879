import { createMemoryStore } from '../../src/store/memory/index.js';
import { runHistoryContract } from './history-contract.js';
import { HISTORY_CONTRACT_OPTIONS, type MakeHistoryStore } from './history-fixtures.js';
import { runStatsContract } from './stats-contract.js';
import { CONTRACT_STORE_OPTIONS, runStoreContract } from './store-contract.js';

runStoreContract('memory', async () => ({
  store: createMemoryStore({ ...CONTRACT_STORE_OPTIONS }),
  cleanup: async () => undefined,
}));

const makeHistoryStore: MakeHistoryStore = async (now) => ({
  store: createMemoryStore({ ...HISTORY_CONTRACT_OPTIONS, now }),
  cleanup: async () => undefined,
});
runHistoryContract('memory', makeHistoryStore);
runStatsContract('memory', makeHistoryStore);
