import { MemorySessionStore } from '../../lib/stores/memory/memory-session.store.js';
import { describeSessionStoreContract } from './session-store.contract.js';

describeSessionStoreContract(
  'MemorySessionStore',
  () => Promise.resolve({ store: new MemorySessionStore(), teardown: () => Promise.resolve() }),
  { byUser: true, sweep: true },
);
