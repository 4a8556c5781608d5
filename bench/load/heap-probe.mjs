/**
 * Loaded into each app process the bench starts (`node --expose-gc --import <this> dist/start.js`), never by the app
 * itself. It answers the parent's IPC message `{ type: 'cohort-bench:heap' }` with the heap after a forced full
 * collection, so the soak can tell a heap that keeps what it allocated (a leak) from V8 and the allocator keeping
 * pages the process once needed (RSS that grows without a leak). With `collect: false` it only reads the heap as it
 * is (how V8 sizes it between its own collections). With `snapshot: <file>` it also writes a heap snapshot there (synchronous: the process stops for a few seconds, so only diagnosis runs ask for one).
 */
import v8 from 'node:v8';

const TYPE = 'cohort-bench:heap';

process.on('message', (message) => {
  if (!message || message.type !== TYPE) return;
  const beforeGc = process.memoryUsage();
  if (message.collect !== false) {
    // Two passes: the first may only queue finalisers (WeakRefs, FinalizationRegistry) that the second then frees.
    globalThis.gc?.();
    globalThis.gc?.();
  }
  const afterGc = process.memoryUsage();
  const snapshot = typeof message.snapshot === 'string' ? v8.writeHeapSnapshot(message.snapshot) : undefined;
  process.send?.({
    type: TYPE,
    id: message.id,
    collected: message.collect !== false && typeof globalThis.gc === 'function',
    heapUsedBeforeGc: beforeGc.heapUsed,
    heapUsed: afterGc.heapUsed,
    heapTotal: afterGc.heapTotal,
    external: afterGc.external,
    arrayBuffers: afterGc.arrayBuffers,
    rss: afterGc.rss,
    snapshot,
  });
});
// The channel must not keep the process alive: a process shut down by SIGTERM exits as it would without the bench.
process.channel?.unref();
