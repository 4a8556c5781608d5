/**
 * The topic labels Cohort's models speak. The shipped model learns them from a bilingual seed lexicon
 * (scripts/model/lexicon.ts); a hub model with no topic head is scored against these descriptions instead
 * (embedding similarity), so topic names stay the same whichever model the operator runs.
 */
export const TOPICS = [
  'ai',
  'programming',
  'data',
  'quantum',
  'math',
  'science',
  'business',
  'marketing',
  'finance',
  'crypto',
  'design',
  'education',
  'career',
  'productivity',
  'health',
  'community',
] as const;
export type Topic = (typeof TOPICS)[number];

/** One short en + zh description per topic: prototypes for models that have embeddings but no topic head. */
export const TOPIC_DESCRIPTIONS: Record<Topic, string> = {
  ai: 'artificial intelligence, machine learning, neural networks, language models 人工智能 机器学习 神经网络 大模型',
  programming: 'programming, software, code, javascript, python, debugging 编程 软件 代码 开发 程序',
  data: 'data analysis, databases, statistics, SQL, dashboards 数据分析 数据库 统计 数据',
  quantum: 'quantum computing, qubits, quantum circuits, entanglement 量子计算 量子比特 量子电路 纠缠',
  math: 'mathematics, algebra, proofs, matrices, probability 数学 代数 证明 矩阵 概率',
  science: 'science, physics, chemistry, biology, research papers 科学 物理 化学 生物 研究 论文',
  business: 'business, startups, entrepreneurs, strategy, management 商业 创业 企业 战略 管理',
  marketing: 'marketing, growth, social media, audience, brand, content creators 营销 增长 社交媒体 品牌 粉丝',
  finance: 'finance, money, investing, stocks, budget, income 金融 理财 投资 股票 预算 收入',
  crypto: 'crypto, bitcoin, blockchain, ethereum, web3, tokens 加密货币 比特币 区块链 以太坊',
  design: 'design, user interface, user experience, typography, figma 设计 界面 用户体验 排版',
  education: 'education, online courses, lessons, teaching, students, learning 教育 在线课程 课程 教学 学生 学习',
  career: 'career, jobs, interviews, resumes, hiring, salary 职业 工作 面试 简历 招聘 薪资',
  productivity: 'productivity, habits, time management, focus, notes 效率 习惯 时间管理 专注 笔记',
  health: 'health, fitness, sleep, nutrition, mental health 健康 健身 睡眠 营养 心理健康',
  community: 'community, members, events, meetups, moderators, discussion 社区 成员 活动 聚会 讨论',
};
