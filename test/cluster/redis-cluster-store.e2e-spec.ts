import type { Cluster } from 'ioredis';
import { RedisSessionStore } from '../../lib/index.js';
import { sessionRecord } from '../stores/session-record.factory.js';
import { describeSessionStoreContract } from '../stores/session-store.contract.js';
import {
  clusterClient,
  clusterErrorCounts,
  clusterKeysByNode,
  deleteClusterKeysWithPrefix,
  describeOnRedisCluster,
  startClusterFor,
} from '../support/redis-cluster.js';
import type { RedisClusterHandle } from '../support/redis-cluster.js';
import { uniquePrefix } from '../support/redis.js';

const SESSIONS = 200;
const USERS = 50;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const describeOnCluster = describeOnRedisCluster('test/cluster/redis-cluster-store.e2e-spec.ts');

describeOnCluster('RedisSessionStore on a 3-master Redis Cluster', () => {
  let handle: RedisClusterHandle;

  beforeAll(async () => {
    handle = await startClusterFor('test/cluster/redis-cluster-store.e2e-spec.ts', 3);
  }, 30_000);

  afterAll(() => handle?.stop());

  /** A store on a Cluster client of its own, under a prefix of its own. */
  const clusterStore = () => {
    const client = clusterClient(handle);
    const prefix = uniquePrefix();
    return {
      client,
      prefix,
      store: new RedisSessionStore(client, { prefix }),
      teardown: async () => {
        await deleteClusterKeysWithPrefix(client, prefix);
        await client.quit();
      },
    };
  };

  describeSessionStoreContract(
    'RedisSessionStore through an ioredis Cluster client',
    () => Promise.resolve(clusterStore()),
    { byUser: true, sweep: false },
  );

  describe(`${SESSIONS} sessions of ${USERS} users`, () => {
    let fixture: ReturnType<typeof clusterStore>;
    const records = range(SESSIONS).map((i) => sessionRecord({ userId: `spread-${i % USERS}` }));

    beforeAll(async () => {
      fixture = clusterStore();
      await Promise.all(records.map((record) => fixture.store.create(record)));
    });

    afterAll(() => fixture?.teardown());

    const slotOf = (client: Cluster, key: string) => client.cluster('KEYSLOT', key);

    it('lie on every master: each holds some session hashes and some user indexes', async () => {
      const { client, prefix } = fixture;
      const byNode = await clusterKeysByNode(client, prefix);
      expect(byNode.map(({ node }) => node).sort()).toEqual(
        handle.nodes.map(({ host, port }) => `${host}:${port}`).sort(),
      );
      const sessionKeys = records.map(({ id }) => `${prefix}{${id}}`);
      const userKeys = range(USERS).map((u) => `${prefix}user:{spread-${u}}`);
      expect(byNode.flatMap(({ keys }) => keys).sort()).toEqual(
        [...sessionKeys, ...userKeys].sort(),
      );
      const counts = byNode.map(({ node, keys }) => ({
        node,
        sessions: keys.filter((key) => key.startsWith(`${prefix}{`)).length,
        users: keys.filter((key) => key.startsWith(`${prefix}user:{`)).length,
      }));
      console.info(
        `${SESSIONS} sessions of ${USERS} users over the masters: ` +
          counts
            .map((c) => `${c.node} ${c.sessions} sessions + ${c.users} user indexes`)
            .join('; '),
      );
      for (const count of counts) {
        expect(count.sessions).toBeGreaterThan(0);
        expect(count.users).toBeGreaterThan(0);
      }
    });

    it("place each key by its hash tag: a session's by its id, a user's index and lock by the user", async () => {
      const { client, prefix } = fixture;
      for (const { id } of records.slice(0, 20)) {
        expect(await slotOf(client, `${prefix}{${id}}`)).toBe(await slotOf(client, id));
      }
      for (const u of range(10)) {
        const user = `spread-${u}`;
        const slot = await slotOf(client, user);
        expect(await slotOf(client, `${prefix}user:{${user}}`)).toBe(slot);
        expect(await slotOf(client, `${prefix}lock:{${user}}`)).toBe(slot);
      }
    });

    it('list and revoke a user whose sessions lie on other masters than its index', async () => {
      const { client, prefix, store } = fixture;
      const nodeOf = new Map(
        (await clusterKeysByNode(client, prefix)).flatMap(({ node, keys }) =>
          keys.map((key) => [key, node] as const),
        ),
      );
      // the first user with sessions on at least two masters, one of them not the index's
      const user = range(USERS)
        .map((u) => `spread-${u}`)
        .find((candidate) => {
          const nodes = records
            .filter((r) => r.userId === candidate)
            .map(({ id }) => nodeOf.get(`${prefix}{${id}}`));
          const index = nodeOf.get(`${prefix}user:{${candidate}}`);
          return new Set(nodes).size > 1 && nodes.some((node) => node !== index);
        });
      expect(user).toBeDefined();
      const own = records.filter((r) => r.userId === user);
      const listed = await store.findByUser(user!, new Date());
      expect(listed.map(({ id }) => id).sort()).toEqual(own.map(({ id }) => id).sort());
      expect(await store.deleteByUser(user!, own[0].id)).toBe(own.length - 1);
      expect((await store.findByUser(user!, new Date())).map(({ id }) => id)).toEqual([own[0].id]);
      for (const { id } of own.slice(1)) expect(await store.find(id, new Date())).toBeNull();
      const left = (await clusterKeysByNode(client, prefix)).flatMap(({ keys }) => keys);
      expect(left).toHaveLength(SESSIONS + USERS - (own.length - 1));
    });
  });

  // Last in the file: every suite above ran on this cluster, each command on its own slot.
  it('answered no command with CROSSSLOT, nor with any error but NOSCRIPT', async () => {
    const errors = await clusterErrorCounts(handle);
    console.info(`server errors over the file, summed over the masters: ${JSON.stringify(errors)}`);
    expect(errors.CROSSSLOT).toBeUndefined();
    expect(Object.keys(errors).filter((code) => code !== 'NOSCRIPT')).toEqual([]);
  });
});
