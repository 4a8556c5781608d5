/** Short member posts per topic, in both languages, used to generate a believable chat history. */
export const demoMessages: Record<string, { en: string[]; zh: string[] }> = {
  product: {
    en: [
      'How do you prioritise a roadmap when every stakeholder says their feature is urgent?',
      'Great talk on customer interviews today, the “jobs to be done” framing really helped.',
      'Anyone has a good template for a one-page product spec?',
    ],
    zh: [
      '大家怎么做需求优先级排序？老板和客户的意见总是冲突。',
      '今天的用户访谈分享太有用了，感谢！',
      '求一个好用的产品需求文档模板。',
    ],
  },
  data: {
    en: [
      'pandas groupby with multiple aggregations finally clicked for me, thanks for the notebook!',
      'Is it worth learning window functions in SQL before moving to Python?',
      'Our dashboard numbers disagree with the finance report, any tips for reconciling?',
    ],
    zh: [
      '用 pandas 清洗数据太方便了，感谢分享的笔记。',
      '学 SQL 窗口函数有什么好的练习题吗？',
      '做 A/B 测试时样本量应该怎么算？',
    ],
  },
  ai: {
    en: [
      'Retrieval-augmented generation cut our hallucinations a lot, but evaluation is still hard.',
      'Which embedding model do you use for Chinese and English together?',
      'The LLM course project was excellent, I shipped my first agent this weekend!',
    ],
    zh: [
      '大模型做检索增强生成（RAG）效果很好，但评估还是难。',
      '中英文混合的向量模型大家用哪个？',
      '刚上完大模型课程，周末做出了第一个智能体，太开心了！',
    ],
  },
  investing: {
    en: [
      'Rebalanced my index portfolio today, boring is good.',
      'Covered calls look attractive but I worry about the downside risk.',
      'What is a sensible emergency fund before investing?',
    ],
    zh: [
      '今天读了一份财报，现金流量表真的很关键。',
      '指数基金定投坚持了两年，心态比收益更重要。',
      '期权风险太大了，新手还是谨慎一点。',
    ],
  },
  writing: {
    en: [
      'My newsletter passed 1,000 subscribers, the headline workshop paid off.',
      'How long should a paid newsletter issue be?',
      'Writing every day is hard; the accountability thread helps a lot.',
    ],
    zh: [
      '公众号标题改了之后打开率提升了一倍！',
      '写作变现最难的是坚持，大家怎么保持更新？',
      '知识付费课程的文案怎么写更有转化？',
    ],
  },
  design: {
    en: [
      'Our design tokens finally sync between Figma and code.',
      'Usability test with five users found more issues than a month of opinions.',
      'Any favourite resources on accessible colour palettes?',
    ],
    zh: [
      '设计系统的组件文档大家用什么工具写？',
      '做了五个用户的可用性测试，发现了好多问题。',
      '作品集应该怎么讲设计过程？',
    ],
  },
};

export const demoSearches: Record<string, { en: string[]; zh: string[] }> = {
  product: { en: ['product roadmap', 'customer interviews'], zh: ['产品增长', '需求分析'] },
  data: { en: ['sql window functions', 'pandas'], zh: ['数据分析', '统计学'] },
  ai: { en: ['llm rag', 'machine learning basics'], zh: ['大模型', '机器学习'] },
  investing: { en: ['index funds', 'options'], zh: ['价值投资', '财报'] },
  writing: { en: ['newsletter growth', 'copywriting'], zh: ['写作变现', '公众号'] },
  design: { en: ['design system', 'ux research'], zh: ['交互设计', '用户研究'] },
};
