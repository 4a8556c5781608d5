import { writeFileSync } from 'node:fs';
import { kolSignalRanks, contributionOf } from '../../core/interactions/kol-score.ts';
import { averageRanks } from '../../core/interactions/rank-correlation.ts';
import { buildCsr, pageRank } from '../../core/interactions/pagerank.ts';
import { loadStackExchange, isMember } from './data/stackexchange.ts';
import { reputationAt, siteGraph } from './kol.eval.ts';
import { timeSplit } from './harness/index.ts';
const out: Record<string, unknown> = {};
for (const dir of ['/work/shared/data/stackexchange-quantumcomputing', '/work/shared/data/stackexchange-beer']) {
  const dump = loadStackExchange(dir);
  let end = 0;
  for (const p of dump.posts) end = Math.max(end, +p.creationDate);
  for (const c of dump.comments) end = Math.max(end, +c.creationDate);
  const testStart = timeSplit(dump.posts.map((p) => +p.creationDate)).testStart;
  const joinedAt = new Map(dump.users.map((u) => [`u${u.id}`, u.creationDate]));
  const rep = new Map(dump.users.map((u) => [`u${u.id}`, u.reputation]));
  for (const [split, until] of [['val', testStart], ['test', Infinity]] as const) {
    const now = new Date(Math.min(until, end));
    const g = siteGraph(dump, 'accepted', until, now);
    const { ids, ranks } = kolSignalRanks(g, { joinedAt, now });
    const truth = split === 'val' ? reputationAt(dump, until) : rep;
    const posters = new Set(dump.posts.filter((p) => (p.postTypeId === 1 || p.postTypeId === 2) && isMember(p.ownerUserId) && +p.creationDate < until).map((p) => `u${p.ownerUserId}`));
    // extra candidates
    const csr = g.toCsr();
    const srcs: number[] = [], tgts: number[] = [], ws: number[] = [];
    for (const [s, t, w] of g.edges()) { srcs.push(t); tgts.push(s); ws.push(w); }
    const rev = pageRank(buildCsr(g.ids.length, srcs, tgts, ws)).scores;
    const extra: Record<string, number[]> = {
      meanQuality: g.activity.map((a) => (a.qualityCount ? a.qualitySum / a.qualityCount : 0)),
      revPR: Array.from(rev),
      recvReplies: g.activity.map((a) => a.received.reply),
      supporters: g.activity.map((a) => a.supporters.size),
      replies: g.activity.map((a) => a.repliesSent),
      posts: g.activity.map((a) => a.posts),
    };
    void csr; void contributionOf;
    const rows = ids.map((id, i) => ({ id, i })).filter((r) => posters.has(r.id) && rep.has(r.id));
    const cols: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(ranks)) cols[k] = rows.map((r) => v![r.i]! / ids.length);
    for (const [k, v] of Object.entries(extra)) { const rk = averageRanks(v); cols[k] = rows.map((r) => rk[g.indexOf(r.id)!]! / ids.length); }
    const qa = new Map<string, number>();
    for (const p of dump.posts) if ((p.postTypeId === 1 || p.postTypeId === 2) && isMember(p.ownerUserId) && +p.creationDate < until) qa.set(`u${p.ownerUserId}`, (qa.get(`u${p.ownerUserId}`) ?? 0) + 1);
    cols.qa = rows.map((r) => qa.get(r.id) ?? 0);
    cols.truth = rows.map((r) => truth.get(r.id) ?? 1);
    out[`${dir.split('-').pop()}|${split}`] = cols;
  }
}
writeFileSync('/tmp/kol-scratch/ranks.json', JSON.stringify(out));
