import type { Locale } from './types.ts';

/**
 * A bilingual glossary of what knowledge communities talk about: each concept groups the English and Chinese
 * (simplified and common traditional) words for one idea, so 期权 is "options", 产品需求文档 is a PRD and 投资 is
 * investing, whatever language a course, a topic or a query is written in. Search expands a query over it and
 * topics are named by a concept's canonical tag. Deliberately general (not the demo's catalogue): a community
 * about something else still gets its own words matched literally, and the model's embedding for the rest.
 */
export interface Concept {
  /** The canonical topic tag (what `/courses investing` and `/courses 投资` both mean). */
  tag: string;
  en: readonly string[];
  zh: readonly string[];
}

export const GLOSSARY: readonly Concept[] = [
  {
    tag: 'investing',
    en: ['investing', 'investment', 'investments', 'invest', 'investor', 'investors'],
    zh: ['投资', '投資', '理财', '投资者', '投资人'],
  },
  {
    tag: 'options',
    en: ['options', 'option', 'covered calls', 'covered call', 'puts', 'calls', 'derivatives'],
    zh: ['期权', '期權', '衍生品', '备兑'],
  },
  { tag: 'stocks', en: ['stocks', 'stock', 'equities', 'shares'], zh: ['股票', '股市', '炒股'] },
  {
    tag: 'index-funds',
    en: ['index funds', 'index fund', 'index investing', 'etf', 'etfs'],
    zh: ['指数基金', '指數基金', '定投', '指数'],
  },
  {
    tag: 'personal-finance',
    en: ['personal finance', 'budget', 'budgeting', 'savings', 'emergency fund'],
    zh: ['个人理财', '理财', '储蓄', '预算'],
  },
  {
    tag: 'portfolio',
    en: ['portfolio', 'asset allocation', 'rebalancing', 'rebalance'],
    zh: ['投资组合', '资产配置', '再平衡'],
  },
  {
    tag: 'financial-statements',
    en: [
      'financial statements',
      'financial statement',
      'balance sheet',
      'income statement',
      'cash flow',
      'annual report',
      'earnings',
    ],
    zh: ['财报', '財報', '财务报表', '资产负债表', '利润表', '现金流量表', '现金流'],
  },
  { tag: 'value-investing', en: ['value investing', 'valuation'], zh: ['价值投资', '價值投資', '估值'] },
  { tag: 'risk', en: ['risk', 'risks', 'risk management', 'hedging'], zh: ['风险', '風險', '风控', '对冲'] },
  { tag: 'finance', en: ['finance', 'financial', 'money'], zh: ['金融', '财务', '财经'] },
  {
    tag: 'crypto',
    en: ['crypto', 'cryptocurrency', 'bitcoin', 'blockchain', 'ethereum'],
    zh: ['加密货币', '比特币', '区块链', '以太坊'],
  },
  {
    tag: 'prd',
    en: [
      'prd',
      'prds',
      'product requirements document',
      'product requirements',
      'requirements document',
      'product spec',
      'product specs',
      'spec',
      'specs',
      'specification',
    ],
    zh: ['产品需求文档', '需求文档', '產品需求文件', '需求文件', '需求说明', '产品文档'],
  },
  {
    tag: 'requirements',
    en: ['requirements', 'requirement', 'acceptance criteria', 'user stories', 'user story'],
    zh: ['需求', '验收标准', '用户故事'],
  },
  {
    tag: 'product',
    en: ['product management', 'product manager', 'product managers', 'product', 'products', 'pm'],
    zh: ['产品', '產品', '产品经理', '產品經理', '产品管理'],
  },
  {
    tag: 'roadmap',
    en: ['roadmap', 'roadmaps', 'prioritisation', 'prioritization', 'prioritise', 'prioritize'],
    zh: ['路线图', '优先级', '排期'],
  },
  {
    tag: 'discovery',
    en: ['product discovery', 'discovery', 'customer interviews', 'customer interview', 'opportunity'],
    zh: ['产品发现', '用户访谈', '客户访谈', '机会'],
  },
  {
    tag: 'growth',
    en: ['growth', 'grow', 'retention', 'conversion', 'funnel', 'funnels', 'acquisition'],
    zh: ['增长', '增長', '留存', '转化', '漏斗', '拉新', '获客'],
  },
  {
    tag: 'experiments',
    en: ['a/b testing', 'a/b test', 'ab testing', 'experiment', 'experiments', 'experimentation'],
    zh: ['a/b 实验', 'ab测试', '实验', '对照实验', 'a/b 测试'],
  },
  {
    tag: 'leadership',
    en: ['leadership', 'leader', 'leaders', 'management', 'manager', 'managers', 'senior'],
    zh: ['领导力', '領導力', '管理', '管理者', '高级'],
  },
  {
    tag: 'data',
    en: ['data', 'data analysis', 'analytics', 'analyst', 'analysts', 'dataset', 'datasets', 'data sets'],
    zh: ['数据', '數據', '数据分析', '數據分析', '数据分析师', '分析师', '数据集'],
  },
  { tag: 'python', en: ['python', 'pandas', 'numpy', 'jupyter', 'notebooks', 'notebook'], zh: ['python', '蟒蛇'] },
  {
    tag: 'sql',
    en: ['sql', 'query', 'queries', 'joins', 'window functions', 'database', 'databases'],
    zh: ['sql', '查询', '窗口函数', '数据库', '資料庫'],
  },
  {
    tag: 'statistics',
    en: [
      'statistics',
      'statistical',
      'hypothesis testing',
      'hypothesis test',
      'regression',
      'causal inference',
      'probability',
    ],
    zh: ['统计', '統計', '统计学', '假设检验', '回归', '回归分析', '因果推断', '概率'],
  },
  {
    tag: 'visualisation',
    en: ['visualisation', 'visualization', 'plotting', 'charts', 'dashboard', 'dashboards'],
    zh: ['可视化', '图表', '仪表盘', '看板'],
  },
  { tag: 'ai', en: ['ai', 'artificial intelligence'], zh: ['人工智能', '人工智慧', 'ai'] },
  {
    tag: 'llm',
    en: [
      'llm',
      'llms',
      'large language model',
      'large language models',
      'language model',
      'language models',
      'gpt',
      'chatgpt',
      'foundation model',
      'foundation models',
    ],
    zh: ['大模型', '大语言模型', '大型语言模型', '大型語言模型', '语言模型', '大模型应用'],
  },
  {
    tag: 'prompting',
    en: ['prompting', 'prompt', 'prompts', 'prompt engineering'],
    zh: ['提示词', '提示詞', '提示工程', '提示词工程'],
  },
  {
    tag: 'rag',
    en: ['rag', 'retrieval-augmented generation', 'retrieval augmented generation', 'retrieval'],
    zh: ['检索增强生成', '检索增强', '检索'],
  },
  { tag: 'agents', en: ['agents', 'agent', 'ai agents', 'ai agent'], zh: ['智能体', '智能體', '代理'] },
  {
    tag: 'machine-learning',
    en: ['machine learning', 'ml', 'deep learning', 'neural networks', 'neural network', 'models', 'overfitting'],
    zh: ['机器学习', '機器學習', '深度学习', '神经网络', '过拟合'],
  },
  {
    tag: 'research',
    en: ['research', 'paper', 'papers', 'reading club', 'study'],
    zh: ['研究', '论文', '論文', '读书会', '读论文'],
  },
  {
    tag: 'evaluation',
    en: ['evaluation', 'evaluate', 'evaluating', 'metrics', 'benchmark'],
    zh: ['评估', '評估', '评测', '指标'],
  },
  {
    tag: 'writing',
    en: ['writing', 'write', 'writer', 'writers', 'copywriting', 'copy'],
    zh: ['写作', '寫作', '文案', '写文章'],
  },
  {
    tag: 'newsletter',
    en: ['newsletter', 'newsletters', 'substack', 'email list', 'subscribers'],
    zh: ['公众号', '公眾號', '邮件通讯', '电子报', '订阅者', 'newsletter'],
  },
  {
    tag: 'creator-economy',
    en: [
      'creator economy',
      'creator',
      'creators',
      'monetisation',
      'monetization',
      'monetise',
      'monetize',
      'paid content',
      'knowledge business',
    ],
    zh: ['知识付费', '知識付費', '变现', '變現', '创作者', '付费内容'],
  },
  { tag: 'audience', en: ['audience', 'followers', 'readers'], zh: ['受众', '读者', '粉丝'] },
  { tag: 'headlines', en: ['headlines', 'headline', 'titles', 'title'], zh: ['标题', '標題'] },
  { tag: 'design', en: ['design', 'designer', 'designers'], zh: ['设计', '設計', '设计师'] },
  {
    tag: 'ux',
    en: ['ux', 'user experience', 'interaction design', 'usability', 'usability testing', 'usability tests'],
    zh: ['用户体验', '交互设计', '互動設計', '交互', '可用性', '可用性测试'],
  },
  {
    tag: 'ui',
    en: ['ui', 'user interface', 'design systems', 'design system', 'components', 'design tokens'],
    zh: ['界面', '设计系统', '设计规范', '组件'],
  },
  {
    tag: 'portfolio-review',
    en: ['portfolio review', 'critique', 'design critique'],
    zh: ['作品集', '作品集点评', '点评'],
  },
  { tag: 'surveys', en: ['surveys', 'survey', 'questionnaire', 'synthesis'], zh: ['问卷', '调研', '调查'] },
  {
    tag: 'beginners',
    en: [
      'beginners',
      'beginner',
      'introduction',
      'intro',
      'basics',
      'getting started',
      'foundations',
      'fundamentals',
      '101',
    ],
    zh: ['入门', '入門', '新手', '基础', '零基础', '初学者'],
  },
  { tag: 'advanced', en: ['advanced', 'expert', 'masterclass'], zh: ['进阶', '進階', '高阶', '高级'] },
  {
    tag: 'membership',
    en: ['membership', 'member', 'members', 'annual membership', 'club'],
    zh: ['会员', '會員', '年度会员', '社群会员'],
  },
  {
    tag: 'subscription',
    en: ['subscription', 'subscriptions', 'monthly', 'weekly'],
    zh: ['订阅', '訂閱', '每月', '每周', '月度'],
  },
  { tag: 'community', en: ['community', 'communities', 'group', 'network'], zh: ['社群', '社区', '社區', '圈子'] },
  {
    tag: 'live',
    en: ['live sessions', 'live session', 'live', 'office hours', 'q&a', 'workshop'],
    zh: ['直播', '答疑', '问答', '线下活动', '工作坊'],
  },
  {
    tag: 'career',
    en: ['career', 'careers', 'job', 'jobs', 'interview', 'interviews', 'hiring', 'resume'],
    zh: ['职业', '职场', '求职', '面试', '招聘', '简历'],
  },
  {
    tag: 'marketing',
    en: ['marketing', 'seo', 'branding', 'brand', 'ads', 'advertising'],
    zh: ['营销', '市场营销', '品牌', '广告', '推广'],
  },
  { tag: 'sales', en: ['sales', 'selling', 'pricing'], zh: ['销售', '定价'] },
  {
    tag: 'startup',
    en: ['startup', 'startups', 'founder', 'founders', 'entrepreneurship'],
    zh: ['创业', '创业者', '初创', '创始人'],
  },
  {
    tag: 'productivity',
    en: ['productivity', 'habits', 'time management', 'focus'],
    zh: ['效率', '习惯', '时间管理', '专注'],
  },
  {
    tag: 'programming',
    en: ['programming', 'coding', 'code', 'software', 'developer', 'developers', 'engineering', 'engineers'],
    zh: ['编程', '程序', '代码', '软件', '开发', '开发者', '工程师'],
  },
  {
    tag: 'app-development',
    en: ['app development', 'building apps', 'applications', 'application', 'apps', 'shipping', 'build'],
    zh: ['应用开发', '应用', '搭建', '开发入门'],
  },
];

const CJK = /\p{Script=Han}/u;

export const hasCjk = (text: string): boolean => CJK.test(text);

interface Index {
  /** Lower-cased term → concept indices. */
  byTerm: Map<string, number[]>;
  /** Chinese terms, longest first, for greedy matching in unsegmented text. */
  zhTerms: string[];
  /** English multi-word terms, longest first. */
  enPhrases: string[];
}

let index: Index | null = null;

function glossaryIndex(): Index {
  if (index) return index;
  const byTerm = new Map<string, number[]>();
  GLOSSARY.forEach((concept, c) => {
    for (const term of [...concept.en, ...concept.zh, concept.tag]) {
      const key = term.toLowerCase();
      const list = byTerm.get(key) ?? [];
      if (!list.includes(c)) list.push(c);
      byTerm.set(key, list);
    }
  });
  const zhTerms = [...byTerm.keys()].filter(hasCjk).sort((a, b) => b.length - a.length);
  const enPhrases = [...byTerm.keys()]
    .filter((t) => !hasCjk(t) && /[\s/-]/.test(t))
    .sort((a, b) => b.length - a.length);
  index = { byTerm, zhTerms, enPhrases };
  return index;
}

/** A plural or possessive English word, reduced to the form the glossary lists ("prds" → "prd", "apps" → "app"). */
function singular(word: string): string {
  if (word.length > 3 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * The units a text is matched on: glossary concepts (`#tag`, the same for every language and spelling) and the
 * remaining words (English words, digits; Chinese characters outside the glossary as overlapping pairs).
 */
export function textUnits(text: string): Set<string> {
  const { byTerm, zhTerms, enPhrases } = glossaryIndex();
  const units = new Set<string>();
  let rest = ` ${text.toLowerCase().replace(/[’']/g, '')} `;
  // Multi-word English phrases first ("large language models"), so their words do not count twice.
  for (const phrase of enPhrases) {
    const re = new RegExp(
      `(?<![\\p{L}\\p{N}])${phrase.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![\\p{L}\\p{N}])`,
      'gu',
    );
    if (re.test(rest)) {
      for (const c of byTerm.get(phrase) ?? []) units.add(`#${GLOSSARY[c]?.tag}`);
      rest = rest.replace(re, ' ');
    }
  }
  // Chinese: the longest glossary term at each position; other characters as pairs (Chinese has no spaces).
  const leftovers: string[] = [];
  rest = rest.replace(/[\p{Script=Han}]+/gu, (run) => {
    let i = 0;
    let pending = '';
    while (i < run.length) {
      const term = zhTerms.find((t) => run.startsWith(t, i));
      if (term) {
        if (pending) leftovers.push(pending);
        pending = '';
        for (const c of byTerm.get(term) ?? []) units.add(`#${GLOSSARY[c]?.tag}`);
        i += term.length;
      } else {
        pending += run[i];
        i++;
      }
    }
    if (pending) leftovers.push(pending);
    return ' ';
  });
  for (const piece of leftovers) {
    if (piece.length === 1) units.add(piece);
    for (let k = 0; k + 1 < piece.length; k++) units.add(piece.slice(k, k + 2));
  }
  for (const raw of rest.split(/[^\p{L}\p{N}&/+#.-]+/u)) {
    const word = raw.replace(/^[.-]+|[.-]+$/g, '');
    if (!word) continue;
    const concepts = byTerm.get(word) ?? byTerm.get(singular(word));
    if (concepts) for (const c of concepts) units.add(`#${GLOSSARY[c]?.tag}`);
    else if (word.length > 1 && !STOPWORDS.has(word)) units.add(singular(word));
  }
  return units;
}

/**
 * The canonical form of a topic a member or moderator typed: the glossary tag when the word is one of a concept's
 * names in any language (投资, investment → investing), else the word itself, lower-cased.
 */
export function canonicalTopic(topic: string): string {
  const key = topic.trim().toLowerCase();
  const concepts = glossaryIndex().byTerm.get(key) ?? glossaryIndex().byTerm.get(singular(key));
  return concepts?.length ? (GLOSSARY[concepts[0] as number] as Concept).tag : key;
}

/**
 * A topic as a member reading `locale` would name it: a glossary concept by its first name in that language (data is
 * 数据 to a Chinese reader), any other topic as it was written.
 */
export function topicLabel(topic: string, locale: Locale): string {
  const tag = canonicalTopic(topic);
  const concept = GLOSSARY.find((c) => c.tag === tag);
  if (!concept) return topic;
  return (locale === 'zh-CN' ? concept.zh[0] : undefined) ?? tag;
}

/** Topics as a list the reader of `locale` expects (数据、设计 in Chinese; data, design in English). */
export function topicList(topics: readonly string[], locale: Locale): string {
  return topics.map((topic) => topicLabel(topic, locale)).join(locale === 'zh-CN' ? '、' : ', ');
}

/** Every name of a topic, in every language (the topic itself included). */
export function topicNames(topic: string): string[] {
  const tag = canonicalTopic(topic);
  const concept = GLOSSARY.find((c) => c.tag === tag);
  return [...new Set([tag, topic.trim().toLowerCase(), ...(concept ? [...concept.en, ...concept.zh] : [])])];
}

const STOPWORDS = new Set(
  'a an and are as at be by for from how i in is it of on or the to with without what which who why you your my me we our this that these those do does can learn about course courses want need'.split(
    ' ',
  ),
);
