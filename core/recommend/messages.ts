import type { Messages } from '../i18n/translate.ts';

/** Strings of recommendations, the catalogue and search (namespace `recommend`). */
export const recommendMessages = {
  en: {
    recommend: {
      title: 'Recommended for you',
      titleTopic: 'Recommended for you in {{topic}}',
      empty: {
        owned: 'You already have every course that fits. Try /courses for the whole catalogue.',
        dismissed: 'You marked the courses that fit as not interested. Try /courses for the whole catalogue.',
        blocked: 'You removed “{{topic}}” from your interests. Add it back with /profile interests add {{topic}}.',
        own: 'The courses that fit are your own. Try /courses for the whole catalogue.',
        none: 'Nothing to suggest right now. Try /courses for the whole catalogue.',
      },
      unknownTopic: 'No course is tagged "{{topic}}". Topics here: {{topics}}.',
      footer: 'Tap "Not interested" to see fewer like it. Explanations come from your activity here.',
    },
    reason: {
      becauseYouRead: 'Because you looked at “{{course}}”',
      topic: 'Because you are interested in {{topic}}',
      group: 'Popular with members who like {{topics}}',
      collaborative: 'Members with tastes like yours took it',
      author: 'From a creator whose work you engaged with',
      newThisWeek: 'New this week in {{topic}}',
      newRecently: 'Recently published in {{topic}}',
      trending: 'Members are engaging with it right now',
      popular: 'Popular in this community',
      explore: 'Something new to explore: {{topic}}',
      exploreAny: 'Something new to explore',
    },
    price: {
      free: 'Free',
      one_off: '{{price}}',
      subscription: '{{price}} / month',
      membership: '{{price}} membership',
    },
    buttons: {
      view: 'View',
      enrol: 'Enrol',
      buy: 'Buy',
      dismiss: 'Not interested',
    },
    action: {
      viewed: '“{{course}}”',
      dismissed: 'Got it: you will see fewer courses like “{{course}}”.',
      unknownCourse: 'That course does not exist here (any more).',
    },
    courses: {
      title: 'Courses',
      titleTopic: 'Courses in {{topic}}',
      empty: 'No courses yet.',
      emptyTopic: 'No course is tagged "{{topic}}".',
      more: 'Showing {{shown}} of {{total}}.',
    },
    search: {
      title: 'Courses matching “{{query}}”',
      empty: 'No course matches “{{query}}”. Try other words, or /courses.',
    },
    retrain: {
      done: 'Recommender retrained: {{courses}} courses, {{groups}} interest groups.',
    },
  },
  'zh-CN': {
    recommend: {
      title: '为你推荐',
      titleTopic: '{{topic}} 方向为你推荐',
      empty: {
        owned: '合适的课程你都已经有了。试试 /courses 浏览全部课程。',
        dismissed: '合适的课程你都标记了「不感兴趣」。试试 /courses 浏览全部课程。',
        blocked: '你已把「{{topic}}」从兴趣中移除。可用 /profile interests add {{topic}} 加回来。',
        own: '合适的课程都是你自己的。试试 /courses 浏览全部课程。',
        none: '暂时没有可推荐的课程。试试 /courses 浏览全部课程。',
      },
      unknownTopic: '没有标记为「{{topic}}」的课程。本社区的主题：{{topics}}。',
      footer: '点「不感兴趣」可减少类似推荐。推荐理由来自你在这里的活动。',
    },
    reason: {
      becauseYouRead: '因为你看过《{{course}}》',
      topic: '因为你对 {{topic}} 感兴趣',
      group: '喜欢 {{topics}} 的成员都在学',
      collaborative: '和你兴趣相近的成员学过',
      author: '来自你互动过的创作者',
      newThisWeek: '本周 {{topic}} 新课',
      newRecently: '{{topic}} 近期新课',
      trending: '成员们正在热烈参与',
      popular: '社区热门',
      explore: '换个方向看看：{{topic}}',
      exploreAny: '换个方向看看',
    },
    price: {
      free: '免费',
      one_off: '{{price}}',
      subscription: '{{price}} / 月',
      membership: '{{price}} 会员',
    },
    buttons: {
      view: '查看',
      enrol: '报名',
      buy: '购买',
      dismiss: '不感兴趣',
    },
    action: {
      viewed: '《{{course}}》',
      dismissed: '收到：类似《{{course}}》的课程会少推荐。',
      unknownCourse: '这门课程不存在（或已下架）。',
    },
    courses: {
      title: '课程',
      titleTopic: '{{topic}} 课程',
      empty: '还没有课程。',
      emptyTopic: '没有标记为「{{topic}}」的课程。',
      more: '显示 {{shown}} / {{total}}。',
    },
    search: {
      title: '与「{{query}}」相关的课程',
      empty: '没有与「{{query}}」相关的课程。换个说法试试，或用 /courses 浏览。',
    },
    retrain: {
      done: '推荐模型已重新训练：{{courses}} 门课程，{{groups}} 个兴趣小组。',
    },
  },
} satisfies Messages;
