import { createMemoryStore } from '../../src/store/memory/index.js';
import { CONTRACT_STORE_OPTIONS, runStoreContract } from './store-contract.js';

runStoreContract('memory', async () => ({
  store: createMemoryStore({ ...CONTRACT_STORE_OPTIONS }),
  cleanup: async () => undefined,
}));
