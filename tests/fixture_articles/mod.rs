//! A generated site of Chinese news articles for the search export and parity tests:
//! deterministic pseudo-random text from a small vocabulary, so words repeat across
//! articles in varying amounts (BM25 has something to rank) and some dates coincide.
#![allow(dead_code)]

use super::common::Site;

const WORDS: &[&str] = &[
    "户外劳动者",
    "服务站点",
    "工会",
    "职工",
    "12351",
    "热线",
    "欠薪",
    "快递员",
    "外卖骑手",
    "技能",
    "大赛",
    "工匠",
    "培训",
    "就业",
    "服务圈",
    "15分钟",
    "人工智能",
    "AI",
    "job",
    "fair",
    "环卫工人",
    "驿站",
    "劳动保护",
    "高温",
    "补贴",
    "社会保险",
    "新就业形态",
    "劳动者",
    "权益",
    "维护",
    "法律援助",
    "农民工",
    "工资",
    "支付",
    "调解",
    "仲裁",
    "安全生产",
    "职业病",
    "防治",
    "女职工",
    "困难职工",
    "帮扶",
    "送温暖",
    "春节",
    "慰问",
    "劳模",
    "表彰",
    "创新",
    "工作室",
    "数字化",
    "平台",
    "算法",
];

const TAGS: &[&str] = &["户外劳动者", "维权", "技能", "就业", "AI", "工匠精神", "12351"];
const SECTIONS: &[&str] = &["news/jiuye", "news/weiquan", "news/jineng"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = WORDS[rng.next() % WORDS.len()];
        if i > 0 && (w.is_ascii() || s.ends_with(|c: char| c.is_ascii_alphanumeric())) {
            s.push(' ');
        }
        s.push_str(w);
    }
    s.push('。');
    s
}

/// The (path, front matter, body) of `n` articles.
pub fn articles(n: usize) -> Vec<(String, String, String)> {
    let mut rng = Rng(20240520);
    (0..n)
        .map(|i| {
            let section = SECTIONS[i % SECTIONS.len()];
            // Several articles share a day, so ties are broken by doc number.
            let day = i / 3;
            let (y, m, d) = (2022 + day / 300, 1 + (day / 25) % 12, 1 + day % 25);
            let title_words = 2 + rng.next() % 3;
            let title = sentence(&mut rng, title_words).trim_end_matches('。').to_string();
            let tags: Vec<&str> = (0..rng.next() % 3).map(|_| TAGS[rng.next() % TAGS.len()]).collect();
            let mut tags_sorted = tags.clone();
            tags_sorted.sort();
            tags_sorted.dedup();
            let paragraphs = 1 + rng.next() % 4;
            let body: Vec<String> = (0..paragraphs)
                .map(|_| {
                    let sentences = 1 + rng.next() % 4;
                    (0..sentences)
                        .map(|_| {
                            let words = 3 + rng.next() % 8;
                            sentence(&mut rng, words)
                        })
                        .collect::<String>()
                })
                .collect();
            let front = format!(
                "title: \"{title}\"\ndate: {y}-{m:02}-{d:02}T08:{:02}:00+08:00\ntags: [{}]",
                i % 60,
                tags_sorted.join(", ")
            );
            (format!("{section}/a{i:03}.md"), front, body.join("\n\n"))
        })
        .collect()
}

/// A site of `n` generated articles in three sections.
pub fn site(n: usize) -> Site {
    let mut s = Site::new().page("news/_index.md", "title: 新闻", "");
    for (k, t) in [("news/jiuye", "就业"), ("news/weiquan", "维权"), ("news/jineng", "技能")] {
        s = s.page(&format!("{k}/_index.md"), &format!("title: {t}"), "");
    }
    for (path, front, body) in articles(n) {
        s = s.page(&path, &front, &body);
    }
    s
}
