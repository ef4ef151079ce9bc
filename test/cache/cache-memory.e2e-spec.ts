import { MemorySessionStore } from '../../lib/index.js';
import { describeCacheAcrossInstances } from '../support/cache-flow.js';

describeCacheAcrossInstances('one MemorySessionStore', () => {
  const shared = new MemorySessionStore();
  return Promise.resolve({
    channelWorks: true,
    storeForInstance: () => Promise.resolve(shared),
    teardown: () => Promise.resolve(),
  });
});
