// Helpers of the search page that need no browser: the section filter's options and the
// words a failed search is reported in.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchError } from '../../themes/default/static/js/search.js';
import { failure, sectionOptions } from '../../themes/default/static/js/search-ui.js';

test('section options list parents with the titles enclosing each sub-section', () => {
  const sections = [
    ['kb', '知识库', 2, -1],
    ['kb/zhinan', '指南', 1, 0],
    ['news', '新闻', 3, -1],
    ['news/jiuye', '就业', 1, 2],
    ['news/jiuye/2024', '二〇二四', 1, 3],
    ['other', '其他', 1, 99],
  ];
  assert.deepEqual(sectionOptions(sections), [
    ['kb', '知识库', 2],
    ['kb/zhinan', '知识库 › 指南', 1],
    ['news', '新闻', 3],
    ['news/jiuye', '新闻 › 就业', 1],
    ['news/jiuye/2024', '新闻 › 就业 › 二〇二四', 1],
    ['other', '其他', 1],
  ]);
  // A facet file from before parents were listed: plain titles.
  assert.deepEqual(sectionOptions([['news/jiuye', '就业', 4]]), [['news/jiuye', '就业', 4]]);
});

test('a failed search is reported in plain words, never as a network error when it is not one', () => {
  assert.equal(failure(new SearchError('format', 'x')), '搜索索引已更新，请刷新页面。');
  assert.equal(failure(new SearchError('stale', 'x')), '搜索索引正在更新，请稍后刷新页面再试。');
  assert.match(failure(new SearchError('network', 'x')), /^加载失败/);
  assert.match(failure(new Error('x')), /^加载失败/);
});
