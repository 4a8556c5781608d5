/**
 * One run of the recommender as the product runs it, in a process of its own so its peak RSS is the service's
 * (not the seeding's): open the seeded SQLite file, build the RecommendService the feature builds, retrain from
 * the log, then answer /recommend for random members through EngineRecommender (what the command handler calls),
 * logging one new event through the EventStore before each call so every call folds in new events from the DB.
 * Beside it, in the same process: a plain JS dot-product top-K over a factor matrix of the same size.
 * Prints one JSON line.
 */
import { createCoreStores, openDatabase } from '../adapters/storage/index.ts';
import { ManualClock } from '../core/ports/clock.ts';
import { type Logger, silentLogger } from '../core/ports/logger.ts';
import { seededRandom } from '../core/ports/random.ts';
import { EngineRecommender } from '../core/recommend/recommender.ts';
import { RecommendService } from '../core/recommend/service.ts';
import { topK } from '../core/recommend/topk.ts';
import { benchContentModel, SPAN, START } from './recommend-data.ts';

const [file, communityId, membersArg, itemsArg, requestsArg] = process.argv.slice(2) as string[];
const members = Number(membersArg);
const items = Number(itemsArg);
const requests = Number(requestsArg ?? 520);

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

const db = await openDatabase({ provider: 'sqlite', file: file as string }, { log: silentLogger });
// As bots/compose.ts builds them: with the driver, which the event log's reads run on (SQLite).
const core = createCoreStores(db.prisma, [], db.driver);
const clock = new ManualClock(START + SPAN + 3_600_000);
// The service's own log line for the retrain (its stages), on stderr beside the bench's figures.
const stderrLog: Logger = {
  ...silentLogger,
  info: (obj, msg) => {
    if (msg === 'recommender retrained') console.error(JSON.stringify(obj));
  },
  child: () => stderrLog,
};
const service = new RecommendService({
  courses: core.courses,
  events: core.events,
  model: benchContentModel(),
  clock,
  log: stderrLog,
});
const recommender = new EngineRecommender(service);
const community = { id: communityId as string, timezone: 'UTC' };

const rssBefore = rssMiB();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await recommender.retrain(community);
const retrainMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
// maxRSS is the process's peak so far: opening the database plus the retrain.
const peakRetrainMiB = process.resourceUsage().maxRSS / 1024;

// BENCH_RECOMMEND_TRACE=1: each request's latency and served list on stderr, to find the slow ones and to check
// that a change leaves the lists identical on the same seeded file.
const trace = process.env.BENCH_RECOMMEND_TRACE === '1';
const random = seededRandom(99);
const latencies: number[] = [];
for (let r = 0; r < requests; r++) {
  const m = Math.floor(random() ** 1.5 * members);
  clock.advance(1_000);
  await core.events.append({
    communityId: community.id,
    actorId: `m${Math.floor(random() * members)}`,
    verb: 'course.viewed',
    objectType: 'course',
    objectId: `c${Math.floor(random() * items)}`,
    targetMemberId: null,
    channelId: null,
    platform: 'console',
    occurredAt: clock.now(),
    metadata: {},
  });
  const s = performance.now();
  const picks = await recommender.recommend(community, { id: `m${m}` } as never, { k: 5 });
  const ms = performance.now() - s;
  if (picks.length === 0) throw new Error(`no recommendations for m${m}`);
  if (r >= 20) latencies.push(ms);
  if (trace) console.error(JSON.stringify({ r, ms, picks: picks.map((p) => [p.course.id, p.score]) }));
}
latencies.sort((a, b) => a - b);

// The reference: score every item by a 16-d dot product and keep the top 5 (same item count, same process).
const k = 16;
const refRandom = seededRandom(3);
const userFactors = Float32Array.from({ length: 1000 * k }, () => refRandom() - 0.5);
const itemFactors = Float32Array.from({ length: items * k }, () => refRandom() - 0.5);
const scores = new Float32Array(items);
const reference: number[] = [];
for (let r = 0; r < requests; r++) {
  const s = performance.now();
  const o = (r % 1000) * k;
  for (let i = 0; i < items; i++) {
    let dot = 0;
    const io = i * k;
    for (let a = 0; a < k; a++) dot += (userFactors[o + a] as number) * (itemFactors[io + a] as number);
    scores[i] = dot;
  }
  if (topK(scores, 5).length === 0) throw new Error('no reference picks');
  if (r >= 20) reference.push(performance.now() - s);
}
reference.sort((a, b) => a - b);
await db.close();
console.log(
  JSON.stringify({
    retrainMs,
    retrainCpuMs: (cpu.user + cpu.system) / 1000,
    rssBefore,
    peakRetrainMiB,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    refP50: percentile(reference, 0.5),
    refP99: percentile(reference, 0.99),
    peakMiB: process.resourceUsage().maxRSS / 1024,
  }),
);
