//! Benchmark corpus generator: writes a complete Gazette site of synthetic Chinese labour news.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --articles 10000 --out DIR [--seed 42] [--force]
//! ```
//!
//! Output (all under DIR):
//! - `gazette.yaml`
//! - `content/_index.md`, `content/news/_index.md` (include_subsections, sorted by date, 10 per page)
//! - `content/news/{yaowen,jiuye,gongjiang,laojiao,anquan}/_index.md`
//! - N articles `content/news/<section>/YYYY-MM-DD-a<number>.md`, dated 2019-01-01 … 2025-12-31,
//!   every one with an explicit `date:` (distinct date-times, so list order is total) and 400–1500
//!   characters of body built from phrase banks: `##` subheadings, lists, blockquotes, tables (~10%),
//!   footnotes (~10%), `<!-- more -->` (~40%). No raw HTML besides that comment. The text carries
//!   what readers search for next to Han characters: dates (2024年, 5月20日), ordinals (第3期,
//!   第5批, 第8届), counts with their unit (约3000人, 12名) and versions (2.0版).
//!
//! Only std is used; the PRNG is splitmix64, so the output is a pure function of `--articles` and
//! `--seed`. Refuses to write into a DIR that already has `content/` unless `--force` is given (which
//! deletes DIR/content first). This file is also compiled directly with `rustc` by `bench/build.sh`,
//! so it must stay a single self-contained file.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// PRNG

/// splitmix64: tiny, fast, good enough for synthetic text, and identical on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x6761_7a65_7474_6521);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// Zipf-like sampler over ranks `0..n`: P(k) ∝ 1/(k+1)^s.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
        let mut acc = 0.0;
        let cumulative = (0..n)
            .map(|k| {
                acc += 1.0 / ((k + 1) as f64).powf(s);
                acc
            })
            .collect();
        Zipf { cumulative }
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&1.0);
        let x = rng.unit() * total;
        self.cumulative.partition_point(|c| *c <= x).min(self.cumulative.len() - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

/// (province, cities). Municipalities list themselves as their only city.
const REGIONS: &[(&str, &[&str])] = &[
    ("辽宁", &["沈阳", "大连", "鞍山", "抚顺", "丹东", "锦州", "营口"]),
    ("江西", &["南昌", "九江", "赣州", "景德镇", "上饶", "萍乡"]),
    ("浙江", &["杭州", "宁波", "温州", "绍兴", "台州", "嘉兴", "金华"]),
    ("广东", &["广州", "深圳", "佛山", "东莞", "珠海", "惠州"]),
    ("江苏", &["南京", "苏州", "无锡", "常州", "南通", "徐州"]),
    ("山东", &["济南", "青岛", "烟台", "潍坊", "淄博", "临沂"]),
    ("四川", &["成都", "绵阳", "宜宾", "德阳", "自贡"]),
    ("湖北", &["武汉", "宜昌", "襄阳", "十堰", "荆州"]),
    ("河南", &["郑州", "洛阳", "新乡", "许昌", "南阳"]),
    ("湖南", &["长沙", "株洲", "湘潭", "衡阳", "岳阳"]),
    ("福建", &["福州", "厦门", "泉州", "漳州", "莆田"]),
    ("河北", &["石家庄", "唐山", "保定", "邯郸", "沧州"]),
    ("安徽", &["合肥", "芜湖", "马鞍山", "安庆", "蚌埠"]),
    ("吉林", &["长春", "吉林", "四平", "延边"]),
    ("黑龙江", &["哈尔滨", "大庆", "齐齐哈尔", "牡丹江"]),
    ("陕西", &["西安", "宝鸡", "咸阳", "榆林"]),
    ("山西", &["太原", "大同", "长治", "晋城"]),
    ("重庆", &["重庆"]),
    ("上海", &["上海"]),
    ("北京", &["北京"]),
    ("天津", &["天津"]),
];
/// Regions are Zipf-weighted too: a bulletin covers its home provinces far more often.
const REGION_ZIPF_S: f64 = 0.8;

const DISTRICTS: &[&str] = &[
    "高新区",
    "经济技术开发区",
    "新区",
    "老城区",
    "滨海新区",
    "工业园区",
    "临港片区",
    "城南街道",
    "城北街道",
    "中心城区",
    "开发区",
    "产业新城",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段",
    "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "武", "戴", "孔", "汤",
];
const GIVEN: &[&str] = &[
    "建", "华", "国", "明", "伟", "芳", "丽", "军", "强", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "超", "秀", "霞",
    "平", "刚", "桂", "英", "文", "辉", "力", "俊", "鹏", "宇", "婷", "玉", "兰", "志", "红", "海", "峰", "东", "雪",
    "梅", "静", "晓", "燕", "春", "宏", "斌", "波", "德", "林", "亮", "健", "永", "成", "敏", "丹", "旭", "飞", "云",
    "龙", "佳", "欣", "琳", "慧", "颖", "凯", "新", "立", "学", "庆", "民", "福", "荣", "晨", "浩", "然", "振", "卫",
];

const COMPANY_CORE: &[&str] = &[
    "华锐", "新港", "恒力", "北方", "长兴", "远航", "兴业", "东方", "金桥", "海通", "宏达", "鑫源", "中联", "瑞丰",
    "天成", "博远", "凯盛", "万向", "永宁", "精工",
];
const COMPANY_KIND: &[&str] = &[
    "重工集团有限公司",
    "机械制造有限公司",
    "化工股份有限公司",
    "建设集团",
    "物流有限公司",
    "供电公司",
    "汽车零部件有限公司",
    "纺织有限公司",
    "食品有限公司",
    "船舶重工有限公司",
    "轨道交通装备有限公司",
    "电子科技有限公司",
    "钢铁集团",
    "新能源科技有限公司",
    "智能装备有限公司",
    "医药股份有限公司",
];

const TRADES: &[&str] = &[
    "焊工",
    "电工",
    "钳工",
    "数控车工",
    "汽车维修工",
    "养老护理员",
    "家政服务员",
    "快递员",
    "网约配送员",
    "起重工",
    "电梯安装维修工",
    "砌筑工",
    "茶艺师",
    "中式烹调师",
    "育婴员",
    "农机修理工",
    "维修电工",
    "锅炉操作工",
    "化工总控工",
    "无人机驾驶员",
    "工业机器人系统运维员",
    "电力线路工",
    "仪器仪表维修工",
    "模具工",
    "铣工",
];

const INDUSTRIES: &[&str] = &[
    "制造业",
    "建筑业",
    "交通运输业",
    "餐饮服务业",
    "物流快递业",
    "现代服务业",
    "新能源汽车产业",
    "数字经济",
    "石化产业",
    "装备制造业",
    "纺织服装业",
    "电子信息产业",
    "文旅产业",
    "现代农业",
];

const ROLES: &[&str] = &[
    "市总工会党组书记",
    "市总工会副主席",
    "省总工会副主席",
    "市人社局副局长",
    "市人社局就业促进科科长",
    "区总工会主席",
    "企业工会主席",
    "市应急管理局副局长",
    "市教育局副局长",
    "省总工会劳动和经济工作部部长",
    "市总工会权益保障部部长",
    "园区工会联合会主席",
];

// Tags: ~60, in global popularity order (rank 1 first); sampled with a Zipf-like law.
const TAGS: &[&str] = &[
    "就业",
    "工会",
    "技能人才",
    "安全生产",
    "劳动模范",
    "农民工",
    "职工权益",
    "高校毕业生",
    "工匠精神",
    "劳动教育",
    "职业技能竞赛",
    "招聘会",
    "户外劳动者",
    "新就业形态",
    "欠薪治理",
    "12351热线",
    "职业培训",
    "劳模创新工作室",
    "隐患排查",
    "春风行动",
    "困难职工帮扶",
    "集体协商",
    "职工之家",
    "女职工",
    "高温防暑",
    "应急演练",
    "职业病防治",
    "技术创新",
    "师带徒",
    "产业工人",
    "快递员",
    "网约配送员",
    "货车司机",
    "建筑工人",
    "零工市场",
    "创业扶持",
    "就业补贴",
    "劳动实践",
    "职业院校",
    "中小学",
    "法律援助",
    "送温暖",
    "安康杯",
    "有限空间",
    "消防安全",
    "交通安全",
    "制造业",
    "乡村振兴",
    "数字经济",
    "养老服务",
    "家政服务",
    "直播带岗",
    "技能等级认定",
    "首席技师",
    "五一劳动节",
    "职代会",
    "厂务公开",
    "心理关爱",
    "疗休养",
    "普惠服务",
];
const TAG_ZIPF_S: f64 = 1.0;

struct Section {
    slug: &'static str,
    title: &'static str,
    description: &'static str,
    /// Share of articles, in percent.
    share: u32,
    tags: &'static [&'static str],
    topics: &'static [&'static str],
    kickers: &'static [&'static str],
    subtitles: &'static [&'static str],
    titles: &'static [&'static str],
    leads: &'static [&'static str],
    body: &'static [&'static str],
    headings: &'static [&'static str],
    items: &'static [&'static str],
    quotes: &'static [&'static str],
    table: (&'static str, &'static [&'static str]),
}

const SECTIONS: &[Section] = &[
    Section {
        slug: "yaowen",
        title: "要闻",
        description: "工会工作与劳动领域重要新闻",
        share: 25,
        tags: &[
            "工会",
            "职工权益",
            "劳动模范",
            "困难职工帮扶",
            "集体协商",
            "职工之家",
            "送温暖",
            "法律援助",
            "职代会",
            "厂务公开",
            "五一劳动节",
            "女职工",
            "疗休养",
            "普惠服务",
            "12351热线",
            "欠薪治理",
        ],
        topics: &["工会送温暖", "五一国际劳动节", "根治欠薪", "职工服务热线12351", "产业工人队伍建设改革"],
        kickers: &["喜迎五一", "聚焦职工所急所盼", "工会在行动", "学习贯彻工会十八大精神", "新春走基层"],
        subtitles: &[
            "——{city}市总工会推进普惠服务工作纪实",
            "——{prov}工会系统全力维护职工合法权益",
            "——来自{city}基层工会的调查",
            "——{company}建设“职工之家”侧记",
        ],
        titles: &[
            "{prov}召开全省工会工作会议 部署{year}年重点任务",
            "{city}市总工会开展“送温暖”活动 走访慰问困难职工{n}户",
            "{city}：“12351”职工服务热线一季度受理诉求{n}件",
            "{prov}表彰{n}名劳动模范和先进工作者",
            "{city}推动集体协商覆盖{n}家企业 惠及职工{big}",
            "{city}工会法律援助为农民工追回欠薪{money}",
            "{company}召开第{k}届职工代表大会",
            "{prov}总工会出台{k}项措施关爱新就业形态劳动者",
            "让职工之家更有“家”的温度",
            "{city}启动{year}年职工疗休养活动",
            "{city}建成工会驿站{n}个 打造“15分钟服务圈”",
            "{city}“智慧工会”服务平台升级至{ver}版",
        ],
        leads: &[
            "{date}，{prov}省总工会召开全省工会工作会议，总结{lastyear}年工作，部署{year}年重点任务。",
            "{date}，记者从{city}市总工会获悉，今年以来全市各级工会累计投入帮扶资金{money}，惠及职工{big}。",
            "{date}，{city}市总工会“12351”职工服务热线公布最新数据：今年以来共受理职工诉求{n}件，办结率达{pct}%。",
            "近日，{prov}省总工会印发《关于进一步加强职工服务工作的实施意见》，提出{k}个方面{n2}项具体措施。",
            "{date}上午，{company}第{k}届职工代表大会在厂区礼堂召开，{n}名职工代表参加会议。",
            "为切实维护职工合法权益，{city}市总工会近日在全市部署开展为期{k}个月的专项行动。",
        ],
        body: &[
            "会议指出，过去一年，全省各级工会紧紧围绕中心、服务大局，在维护职工权益、服务职工群众方面取得明显成效。",
            "据介绍，{city}市总工会今年共建成职工之家{n}个、职工书屋{n}个，新增工会会员{big}。",
            "“12351”职工服务热线实行“一号受理、分级办理、限时办结”，职工满意率保持在{pct}%以上。",
            "针对部分企业存在的拖欠工资问题，工会法律援助律师主动介入，帮助{n}名农民工追回工资{money}。",
            "{official}表示，要把职工群众的急难愁盼作为工作的出发点和落脚点，让职工切实感受到工会组织的温暖。",
            "今年，{city}把工资集体协商作为重点工作，推动{n}家企业签订专项集体合同，覆盖职工{big}。",
            "在{district}，工会联合人社、司法等部门设立劳动争议调解中心，全年调解劳动争议案件{n}件。",
            "活动期间，慰问组深入{industry}一线，为{n}户困难职工家庭送去慰问金和生活物资。",
            "会议审议通过了企业工会工作报告和经费审查报告，并就职工关心的薪酬调整、劳动保护等议题进行了讨论。",
            "{company}工会主席{name}介绍，企业连续{k}年开展厂务公开，职工代表提案落实率达到{pct}%。",
            "在“职工之家”建设中，{city}坚持“会、站、家”一体化，为职工提供法律咨询、心理疏导、技能提升等服务。",
            "据统计，全省各级工会今年已组织{n2}名一线职工参加疗休养，其中劳模和先进工作者{n}人。",
            "针对新就业形态劳动者入会难、维权难问题，{city}推行“扫码入会”，今年新增货车司机、快递员等会员{big}。",
            "{prov}省总工会还将开展困难职工“解困脱困”行动，确保帮扶政策应享尽享。",
            "记者在现场看到，前来咨询的职工络绎不绝，工作人员耐心细致地一一解答。",
            "据悉，该市已连续{k}年开展“金秋助学”活动，累计资助困难职工子女{big}。",
            "下一步，{city}市总工会将继续深化产业工人队伍建设改革，推动更多服务资源向基层延伸。",
            "会上，{n}个先进集体和{n}名先进个人受到表彰，{worker}作为劳模代表作了发言。",
        ],
        headings: &[
            "把服务送到职工身边",
            "织密权益保障网",
            "畅通诉求表达渠道",
            "帮扶救助精准到人",
            "集体协商提质扩面",
            "建强基层工会组织",
            "为新就业群体撑起“保护伞”",
            "让厂务公开落到实处",
        ],
        items: &[
            "深化职工服务阵地建设，推动工会驿站提档升级",
            "健全困难职工帮扶长效机制，实行动态管理",
            "扩大工资集体协商覆盖面，推动行业性协商",
            "加强劳动法律监督，及时化解劳动关系矛盾",
            "推进新就业形态劳动者入会和服务工作",
            "开展职工疗休养和心理关爱服务",
            "做好“12351”热线诉求的分办、督办和回访",
            "持续开展“金秋助学”和“两节”送温暖活动",
            "推动厂务公开民主管理向非公企业延伸",
        ],
        quotes: &[
            "工会就是职工的“娘家”，有困难找工会，心里踏实。",
            "以前工资被拖欠不知道找谁，现在打个电话，工会就来人帮忙了。",
            "职代会上提的建议当年就落实了，我们说话真的管用。",
            "疗休养让我们一线职工也能好好歇一歇，干劲更足了。",
            "要让每一名职工都能感受到工会组织的温度。",
        ],
        table: ("| 地区 | 走访企业（家） | 慰问职工（人） | 帮扶资金（万元） |", &["n", "big_num", "n"]),
    },
    Section {
        slug: "jiuye",
        title: "就业",
        description: "稳就业、促就业与就业服务",
        share: 25,
        tags: &[
            "就业",
            "农民工",
            "高校毕业生",
            "招聘会",
            "春风行动",
            "新就业形态",
            "零工市场",
            "创业扶持",
            "就业补贴",
            "直播带岗",
            "职业培训",
            "户外劳动者",
            "快递员",
            "网约配送员",
            "乡村振兴",
            "12351热线",
        ],
        topics: &["稳就业促增收", "新就业形态劳动者权益保障", "户外劳动者服务站点", "高校毕业生就业季"],
        kickers: &["春风行动进行时", "聚焦稳就业", "就业服务暖人心", "直击招聘会现场", "百日千万招聘专项行动"],
        subtitles: &[
            "——{city}{year}年“春风行动”综述",
            "——{prov}多措并举稳岗扩岗",
            "——探访{city}{district}零工市场",
            "——{city}户外劳动者服务站点见闻",
        ],
        titles: &[
            "{city}举办{year}年“春风行动”专场招聘会 {n}家企业提供岗位{jobs}",
            "{prov}今年以来城镇新增就业{big}",
            "{city}零工市场日均服务求职者{n}人次",
            "“直播带岗”让求职更便捷 {city}线上线下联动提供岗位{jobs}",
            "{city}为高校毕业生发放就业补贴{money}",
            "{city}建成户外劳动者服务站点{n}个",
            "{prov}开展农民工返岗复工“点对点”服务",
            "家门口的招聘会 {district}{n}个岗位等你来",
            "{city}出台{k}条措施支持创业带动就业",
            "技能培训助力{n}名农民工实现稳定就业",
            "{city}举办第{k}期农民工职业技能培训班",
        ],
        leads: &[
            "{date}，{city}{year}年“春风行动”暨就业援助月专场招聘会在{district}举行，{n}家企业携{jobs}岗位现场揽才。",
            "{date}，记者从{prov}省人力资源和社会保障厅获悉，今年以来全省城镇新增就业{big}，完成年度目标任务的{pct}%。",
            "清晨六点半，{city}{district}零工市场已是人头攒动，前来找活的务工人员和招工的雇主在信息屏前仔细比对。",
            "{date}，{city}人社部门联合市总工会开展“直播带岗”活动，{n}家重点企业的人力资源负责人走进直播间在线推介岗位。",
            "炎炎夏日，在{city}街头，一座座户外劳动者服务站点为环卫工人、快递员、外卖骑手等提供了歇脚的地方。",
            "为帮助高校毕业生尽早落实去向，{city}近日启动“百日千万”招聘专项行动。",
        ],
        body: &[
            "本次招聘会涵盖{industry2}等多个行业，岗位月薪普遍在{wage}元至{wage2}元之间。",
            "现场共有{big_num}名求职者进场，初步达成就业意向{n2}人。",
            "{worker}今年{age}岁，来自{prov}农村，通过现场面试，当场与{company}签订了意向协议。",
            "“我学的是{trade}，这里的岗位很对口，待遇也不错。”{worker}高兴地说。",
            "据介绍，{city}今年计划开展各类招聘活动{n}场，提供就业岗位不少于{jobs}。",
            "零工市场设有求职登记区、岗位发布区、技能培训区和权益维护区，实现“一站式”服务。",
            "针对农民工、脱贫劳动力等重点群体，{city}提供“点对点”返岗服务，累计输送务工人员{big}。",
            "对吸纳高校毕业生就业的中小微企业，{city}按每人{wage}元标准给予一次性扩岗补助。",
            "服务站点配备了冰箱、微波炉、饮水机、急救药箱等设施，户外劳动者可以在这里喝水、热饭、充电、休息。",
            "户外劳动者还可以通过“12351”热线反映诉求，工会在{k}个工作日内给予答复。",
            "截至目前，{city}已建成各类户外劳动者服务站点{n}个，实现主城区全覆盖。",
            "外卖骑手{worker}说，夏天跑单最怕热，有了驿站，渴了有水喝，累了有地方歇。",
            "{official}介绍，下一步将持续优化就业公共服务，推动岗位信息“一网发布”、求职服务“一网通办”。",
            "为提升求职者就业能力，招聘会现场还设置了职业指导和技能培训咨询台，吸引了不少年轻人驻足。",
            "直播间内，企业负责人详细介绍岗位要求、薪资待遇和发展空间，观看人次累计达到{n2}。",
            "今年以来，{prov}累计发放稳岗返还资金{money}，惠及企业{n2}家。",
            "在就业帮扶车间，{n}名留守妇女实现了家门口就业，人均月收入增加{wage}元。",
            "{city}还建立了创业担保贷款“绿色通道”，今年已发放贷款{money}，带动就业{big}。",
        ],
        headings: &[
            "岗位送到家门口",
            "零工市场“活”起来",
            "为重点群体兜底",
            "线上线下同步发力",
            "驿站暖了户外劳动者的心",
            "政策红利直达企业",
            "以创业带动就业",
            "技能培训增强就业本领",
        ],
        items: &[
            "开展“春风行动”“就业援助月”等专项服务活动",
            "建设标准化零工市场，发布实时用工信息",
            "落实一次性扩岗补助和社会保险补贴",
            "为高校毕业生提供“一人一策”就业指导",
            "推进户外劳动者服务站点规范化建设",
            "组织农民工“点对点”返岗专列专车",
            "开展新就业形态劳动者职业伤害保障试点",
            "支持返乡入乡人员创业，落实创业担保贷款",
            "对就业困难人员实施动态清零",
        ],
        quotes: &[
            "不出县城就能找到合适的工作，家里老人孩子也能照顾上。",
            "一场招聘会下来，我们招到了{n}名急需的技术工人。",
            "跑单累了，进驿站歇一会儿，喝口热水，心里暖暖的。",
            "政策找上门，补贴直接到账，我们扩大招工更有底气了。",
            "就业是最基本的民生，我们要把服务做到求职者的心坎上。",
        ],
        table: ("| 地区 | 招聘场次 | 提供岗位（个） | 达成意向（人） |", &["k", "big_num", "n2"]),
    },
    Section {
        slug: "gongjiang",
        title: "工匠",
        description: "大国工匠、技能人才与劳动技能竞赛",
        share: 18,
        tags: &[
            "技能人才",
            "工匠精神",
            "职业技能竞赛",
            "劳模创新工作室",
            "技术创新",
            "师带徒",
            "产业工人",
            "技能等级认定",
            "首席技师",
            "制造业",
            "劳动模范",
            "数字经济",
        ],
        topics: &["大国工匠", "技能中国行动", "劳动和技能竞赛", "产业工人队伍建设改革"],
        kickers: &["大国工匠", "技能成才 技能报国", "走近劳模创新工作室", "赛场上的工匠"],
        subtitles: &["——记{company}{trade}{worker}", "——{prov}第{k}届职业技能大赛侧记", "——{city}劳模创新工作室巡礼"],
        titles: &[
            "{worker}：在毫厘之间追求极致",
            "{prov}第{k}届职业技能大赛落幕 {n}名选手同台竞技",
            "{city}举办{trade}职业技能竞赛",
            "{company}劳模创新工作室累计创效{money}",
            "从学徒到首席技师：{worker}的{k}年坚守",
            "{city}新增高技能人才{big}",
            "“师带徒”让技艺代代相传",
            "{prov}评选{n}名“{prov}工匠”",
            "{city}开展职业技能等级认定 {big}取得证书",
            "一把焊枪焊出“大国重器”",
            "{city}命名第{k}批劳模和工匠人才创新工作室",
        ],
        leads: &[
            "{date}，{prov}第{k}届职业技能大赛在{city}落下帷幕，来自全省各地的{n}名选手在{k2}个项目上展开角逐。",
            "走进{company}的生产车间，机器轰鸣声中，{trade}{worker}正专注地进行着一道精密工序的操作。",
            "{date}，{city}市总工会命名{n}家劳模和工匠人才创新工作室，每家给予{wage}元资助。",
            "{worker}是{company}的一名{trade}，从业{k2}年来，他先后攻克技术难题{n}项，被同事们称为“技术大拿”。",
            "近日，{city}公布{year}年度“{city}工匠”名单，{n}名来自生产一线的技术工人榜上有名。",
        ],
        body: &[
            "比赛设置理论知识和实际操作两个环节，重点考察选手的专业技能、安全规范和创新能力。",
            "经过激烈角逐，{n}名选手获得“{prov}技术能手”称号，成绩突出的将直接晋升技师职业资格。",
            "{worker}说，这次比赛的题目贴近生产实际，对平时的工作很有帮助。",
            "参加工作{k2}年来，{worker}始终扎根生产一线，先后获得国家发明专利{k}项、实用新型专利{n}项。",
            "在{worker}看来，工匠精神就是把每一件简单的事做到极致，“差之毫厘，谬以千里”。",
            "以{worker}名字命名的劳模创新工作室成立以来，累计完成技术革新{n}项，为企业创造经济效益{money}。",
            "工作室采取“师带徒”模式，{worker}已带出徒弟{n}人，其中{k}人成长为高级技师。",
            "{city}大力实施技能人才培育工程，全市技能人才总量达到{big}，其中高技能人才占比{pct}%。",
            "为了解决一项困扰企业多年的焊接变形难题，{worker}带领团队反复试验{n}次，最终拿出了解决方案。",
            "如今，这项技术已在{industry}推广应用，产品合格率从{pct}%提升到{pct_hi}%。",
            "{official}表示，要持续深化产业工人队伍建设改革，让技术工人有“面子”更有“里子”。",
            "赛场上，选手们聚精会神，手中的工具上下翻飞，一件件精巧的作品逐渐成形。",
            "近年来，{company}建立了技能人才“首席技师—高级技师—技师”晋升通道，并与薪酬待遇挂钩。",
            "今年，{city}共组织开展职业技能等级认定{n}批次，{big}取得相应证书。",
            "“技能改变命运，这话一点不假。”如今已是首席技师的{worker}感慨地说。",
            "{prov}将劳动和技能竞赛作为提升职工素质的重要抓手，每年参赛职工超过{big}。",
            "{worker}坦言，最难的是攻关的那段日子，白天在车间干活，晚上回家查资料、画图纸。",
        ],
        headings: &[
            "在毫厘之间见真章",
            "从“学徒”到“大师”",
            "创新工作室里的“金点子”",
            "以赛促学 以赛促训",
            "让技能人才有奔头",
            "传帮带育新人",
            "攻克“卡脖子”难题",
        ],
        items: &[
            "完善技能人才评价体系，推行“新八级工”制度",
            "落实技能人才薪酬分配指引，实现技高者多得",
            "建设劳模和工匠人才创新工作室联盟",
            "广泛开展岗位练兵、技术比武活动",
            "推进校企合作和新型学徒制培养",
            "支持技能人才参与技术攻关和成果转化",
            "加大对获奖选手的表彰奖励力度",
            "举办工匠论坛和技能成果展示交流活动",
        ],
        quotes: &[
            "干一行就要爱一行、钻一行，把活干到最好。",
            "每一道焊缝都关系到产品质量，马虎不得。",
            "带好徒弟，把手艺传下去，是我最大的心愿。",
            "技术工人也能成为行家里手，也能在大舞台上发光。",
            "创新不一定是高大上的东西，解决生产中的小问题就是创新。",
        ],
        table: ("| 项目 | 参赛选手（人） | 获奖人数 | 平均成绩（分） |", &["n", "k", "score"]),
    },
    Section {
        slug: "laojiao",
        title: "劳动教育",
        description: "学校劳动教育与劳动实践",
        share: 12,
        tags: &["劳动教育", "劳动实践", "中小学", "职业院校", "劳动模范", "工匠精神", "乡村振兴", "心理关爱"],
        topics: &["劳动教育进校园", "劳模工匠进校园"],
        kickers: &["劳动最光荣", "劳模工匠进校园", "劳动教育在身边"],
        subtitles: &["——{city}中小学劳动教育见闻", "——{city}{district}劳动实践基地探访"],
        titles: &[
            "{city}建成中小学劳动教育实践基地{n}个",
            "劳模工匠进校园 {n}名学生听“大国工匠”讲故事",
            "校园里的“开心农场”",
            "{city}把劳动教育纳入中小学必修课",
            "{prov}职业院校开展“劳动周”实践活动",
            "小小劳动者 {city}学生体验{trade}工作",
            "{city}评选劳动教育特色学校{n}所",
        ],
        leads: &[
            "{date}，“劳模工匠进校园”活动走进{city}第{k}中学，全国劳动模范{worker}为{n}名师生讲述了自己的成长故事。",
            "在{city}{district}的一所小学里，有一块特别的“开心农场”，学生们在这里翻土、播种、浇水、收获。",
            "{date}，{city}教育局发布消息，全市已建成中小学劳动教育实践基地{n}个，实现各学段全覆盖。",
            "近日，{prov}各职业院校陆续开展“劳动周”活动，学生们走进实训车间和社区，在实践中体会劳动的价值。",
        ],
        body: &[
            "学校每周安排一节劳动课，内容涵盖日常生活劳动、生产劳动和服务性劳动。",
            "“原来一粒米要经过这么多道工序才能端上餐桌。”五年级学生{name}说。",
            "活动中，{worker}结合自身经历，讲述了从普通工人成长为劳动模范的故事，引起同学们的强烈共鸣。",
            "劳动实践基地设有农耕体验区、传统工艺区、职业体验区等{k}个功能区，每年接待学生{big}。",
            "学生们在老师的指导下学习{trade}的基本技能，不少同学第一次亲手完成了一件作品。",
            "{official}介绍，全市将劳动教育纳入学生综合素质评价，引导学生树立正确的劳动观念。",
            "学校还邀请家长参与“家庭劳动清单”打卡，让劳动教育从校园延伸到家庭。",
            "据了解，{city}已评选劳动教育特色学校{n}所、劳动教育优秀课例{n}个。",
            "在职业院校的实训车间里，学生们身穿工装，严格按照操作规程完成实训任务。",
            "班主任{name}说，参加劳动以后，孩子们更懂得珍惜粮食，也更体谅父母的辛苦。",
            "劳动教育不是简单的“干活”，而是要让学生在劳动中学会合作、学会担当。",
            "市总工会还组建了由{n}名劳模工匠组成的宣讲团，常态化走进校园开展宣讲。",
            "同学们将收获的蔬菜送到学校食堂，还有一部分被送给了社区的孤寡老人。",
        ],
        headings: &["把课堂搬到田间地头", "劳模就在身边", "在实践中长本领", "家校社协同育人", "让劳动成为习惯"],
        items: &[
            "开齐开足劳动教育课程，每周不少于1课时",
            "建设校内外劳动实践基地",
            "组织劳模工匠进校园宣讲",
            "开展家庭劳动清单打卡活动",
            "将劳动素养纳入综合素质评价",
            "举办校园劳动技能比赛",
        ],
        quotes: &[
            "劳动最光荣，幸福是奋斗出来的。",
            "看着自己种的菜一天天长大，特别有成就感。",
            "希望同学们从小爱劳动、会劳动，长大做一个对社会有用的人。",
            "劳动教育让孩子们的眼里有了光。",
        ],
        table: ("| 学段 | 参与学校（所） | 参与学生（人） | 实践课时 |", &["n", "big_num", "k"]),
    },
    Section {
        slug: "anquan",
        title: "安全生产",
        description: "安全生产、职业健康与劳动保护",
        share: 20,
        tags: &[
            "安全生产",
            "隐患排查",
            "应急演练",
            "高温防暑",
            "职业病防治",
            "安康杯",
            "有限空间",
            "消防安全",
            "交通安全",
            "建筑工人",
            "货车司机",
            "户外劳动者",
            "12351热线",
        ],
        topics: &["安全生产月", "高温下的坚守", "职业病防治宣传周"],
        kickers: &["安全生产月", "筑牢安全防线", "高温下的坚守", "安康杯竞赛"],
        subtitles: &[
            "——{city}开展安全生产隐患大排查",
            "——{company}推进安全生产标准化建设纪实",
            "——{prov}工会参与安全生产监督工作综述",
        ],
        titles: &[
            "{city}启动{year}年“安全生产月”活动",
            "{prov}排查整改安全隐患{n2}处",
            "{company}开展有限空间作业应急演练",
            "高温天气 {city}工会为一线职工送清凉",
            "{city}{n}家企业参加“安康杯”竞赛",
            "{city}群众安全生产监督员队伍扩大到{n}人",
            "职业病防治宣传周 {city}送健康进企业",
            "{city}开展建筑施工安全专项检查",
            "安全生产“明白人”是怎样炼成的",
            "{city}发布第{k}期安全生产风险提示",
        ],
        leads: &[
            "{date}，{city}{year}年“安全生产月”活动正式启动，今年的主题是“人人讲安全、个个会应急”。",
            "{date}，{company}组织开展有限空间作业事故应急演练，{n}名职工参加。",
            "连日来，{city}持续高温，最高气温达{temp}℃，各级工会组织开展“送清凉”活动，为一线职工送去防暑降温物品。",
            "{date}，{prov}安委会办公室通报，今年以来全省共排查整改各类安全隐患{n2}处，整改率达{pct}%。",
            "为推动企业落实安全生产主体责任，{city}市总工会联合应急管理部门近日开展安全生产专项检查。",
        ],
        body: &[
            "检查组深入{industry}企业的生产车间、仓库和施工现场，重点检查安全制度落实、设备运行和应急处置等情况。",
            "对检查中发现的{n}处隐患，检查组当场反馈企业负责人，要求限期整改并实行闭环管理。",
            "演练模拟职工在清理污水池时发生中毒窒息，现场人员迅速报警并按照“先通风、再检测、后作业”的要求施救。",
            "{official}强调，要牢固树立安全发展理念，坚决遏制重特大事故发生。",
            "“安全生产月”期间，{city}将开展安全宣传咨询日、应急演练周、隐患排查等系列活动。",
            "工会还向一线职工发放了防暑降温药品、饮料等物资，价值{money}。",
            "根据规定，日最高气温达到{temp}℃以上时，用人单位应当停止当日室外露天作业。",
            "职工如遇高温天气未落实劳动保护措施的情况，可拨打“12351”职工服务热线反映。",
            "{city}已聘任群众安全生产监督员{n}名，他们活跃在生产一线，及时发现和报告事故隐患。",
            "“安康杯”竞赛开展以来，参赛企业职工安全知识普及率达到{pct}%，事故起数同比下降{pct2}%。",
            "安全员{worker}每天上岗前都要把作业现场走一遍，“安全无小事，一点马虎不得”。",
            "企业还在车间醒目位置设置了安全警示标识，并为每位职工配发了符合标准的劳动防护用品。",
            "职业病防治宣传周期间，医务人员走进企业，为接触粉尘、噪声的{n}名职工开展免费职业健康体检。",
            "针对建筑施工领域高处坠落、物体打击等风险，检查组逐一核查了脚手架、塔吊等关键设备。",
            "今年以来，{prov}共开展安全生产培训{n2}场次，培训职工{big}。",
            "{company}推行“班前五分钟”安全讲话制度，{k}年来未发生一起生产安全事故。",
        ],
        headings: &[
            "隐患排查不留死角",
            "应急演练练在平时",
            "给一线职工送清凉",
            "职业健康放在心上",
            "安全监督延伸到班组",
            "压实企业主体责任",
            "以竞赛促安全",
        ],
        items: &[
            "严格落实高温津贴发放和高温天气作业时间调整",
            "开展有限空间、动火作业等高风险作业专项治理",
            "健全群众安全生产监督员队伍",
            "组织“安康杯”竞赛和安全知识答题活动",
            "加强职业病危害因素监测和职工健康体检",
            "推进企业安全生产标准化建设",
            "完善应急预案，定期开展应急演练",
            "畅通职工反映安全隐患的渠道",
        ],
        quotes: &[
            "安全是最大的效益，事故是最大的浪费。",
            "安全生产没有旁观者，人人都是第一责任人。",
            "宁听骂声，不听哭声，该停的作业一定要停。",
            "防护用品穿戴齐了，家里人才放心。",
        ],
        table: ("| 地区 | 检查企业（家） | 发现隐患（处） | 整改率 |", &["n", "n2", "pct_cell"]),
    },
];

/// Sentences that fit any section; mixed with the section's own bank so long articles repeat less.
const GENERAL: &[&str] = &[
    "记者在现场看到，{district}的工作人员正在为前来咨询的职工逐一登记信息、解答问题。",
    "{official}在接受记者采访时表示，将把这项工作作为今年为职工办实事的重要内容持续推进。",
    "据统计，{city}目前共有基层工会组织{n2}个，覆盖职工{big}。",
    "这一做法得到了企业和职工的普遍认可，目前已在全市{n}家企业推广。",
    "为确保各项措施落到实处，{city}建立了月调度、季通报工作机制。",
    "{company}是当地{industry}的龙头企业，现有职工{big_num}人。",
    "今年以来，{prov}各级工会组织围绕中心工作，开展了一系列形式多样的主题活动。",
    "在{district}，一场别开生面的现场活动吸引了{n}余名职工参加。",
    "活动现场，工作人员还向职工发放了《劳动法律法规知识手册》等宣传资料{n2}份。",
    "{worker}告诉记者，这几年身边的变化实实在在，职工的获得感越来越强。",
    "相关负责人介绍，下一步将聚焦职工群众最关心最直接最现实的利益问题，拿出更多务实举措。",
    "数据显示，{year}年前{month}个月，{city}相关指标同比增长{pct2}%。",
    "{city}还将这项工作纳入年度目标考核，压实各方责任。",
    "与往年相比，今年的活动范围更广、参与人数更多，形式也更加灵活。",
    "随着{industry}加快发展，企业对高素质劳动者的需求持续增加。",
    "在{company}，记者见到了正在交接班的职工们，大家有说有笑，精神饱满。",
    "{prov}省总工会有关负责人表示，将总结推广基层的好经验好做法，形成长效机制。",
    "职工{name}已在这里工作了{k2}年，他说：“企业发展好了，我们的日子也越过越好。”",
    "为了让服务更贴近职工，工作人员利用午休和下班时间走进车间、工地开展宣传。",
    "截至{month}月底，{city}已累计投入资金{money}，完成年度计划的{pct}%。",
    "此次活动由{city}市总工会主办，{district}总工会和多家企业工会共同承办。",
    "不少职工表示，希望这样的活动能够常态化开展。",
    "{official}要求，各级工会要进一步增强责任感和紧迫感，确保各项任务按期完成。",
    "近年来，{city}坚持以职工为中心，持续推进服务职工工作提质增效。",
    "为扩大覆盖面，{city}还开通了线上服务平台，职工通过手机即可办理相关业务，累计服务{n2}人次。",
    "从{lastyear}年起，{city}连续{k}年把这项工作列入民生实事项目。",
    "在企业食堂，一张张宣传海报吸引了职工驻足观看。",
    "对于职工反映的问题，工会建立了台账，实行销号管理，做到件件有回音。",
    "{worker}所在的班组共有{k2}名职工，平均年龄不到{age}岁。",
    "{district}相关负责人表示，将继续加大投入，让更多职工受益。",
    "与此同时，{city}积极探索“工会+”服务模式，推动工会服务与政府部门、社会组织资源共享。",
    "业内人士认为，这些举措对于稳定职工队伍、促进企业发展具有积极意义。",
    "{year}年{date}，{city}市总工会举办第{k}期职工技能提升培训班，约{n2}人报名参加。",
    "目前，{city}职工服务平台已升级到{ver}版，新增在线咨询、预约服务等功能。",
    "{city}近日公布第{k}批职工创新补助项目名单，{n}个项目入选，每个项目补助{wage}元。",
    "自{year}年{month}月起，{district}已连续举办{k2}期“工会开放日”，累计接待职工约{n2}人。",
];

const CONNECTIVES: &[&str] = &[
    "据了解，",
    "记者了解到，",
    "与此同时，",
    "此外，",
    "值得一提的是，",
    "另据介绍，",
    "同时，",
    "在此基础上，",
    "不仅如此，",
    "另外，",
];

const CLOSINGS: &[&str] = &[
    "据悉，相关活动将持续至{month2}月底。",
    "下一步，{city}将进一步完善工作机制，推动各项措施落地见效。",
    "{official}表示，将以此为契机，持续为职工群众办实事、解难题。",
    "职工如有相关诉求，可拨打“12351”职工服务热线咨询。",
    "活动得到了职工群众的广泛好评。",
    "目前，相关工作正在有序推进中。",
];

const FOOTNOTES: &[&str] = &[
    "数据来源：{prov}省人力资源和社会保障厅。",
    "数据来源：{city}市总工会，统计截至{year}年{month}月底。",
    "“12351”为全国总工会职工服务热线号码。",
    "参见《{prov}省职工劳动权益保障条例》相关条款。",
    "高技能人才指取得高级工、技师、高级技师职业资格或职业技能等级证书的人员。",
    "户外劳动者服务站点，是指依托工会驿站、银行网点等为户外劳动者提供休憩服务的场所。",
];

const SOURCES: &[&str] =
    &["本报讯", "本报讯", "本报讯", "本报讯", "本报讯", "新华社", "工人日报", "{prov}工人报", "{city}日报"];

// ---------------------------------------------------------------------------------------------
// Dates

/// Days since 1970-01-01 → (year, month, day). Howard Hinnant's civil_from_days.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// ---------------------------------------------------------------------------------------------
// Article generation

struct Ctx {
    prov: &'static str,
    city: &'static str,
    district: &'static str,
    year: i64,
    month: u32,
    day: u32,
    worker: String,
    company: String,
    trade: &'static str,
}

fn person(rng: &mut Rng) -> String {
    let mut s = String::from(rng.pick(SURNAMES));
    s.push_str(rng.pick(GIVEN));
    if rng.chance(0.7) {
        s.push_str(rng.pick(GIVEN));
    }
    s
}

fn company(rng: &mut Rng, city: &str) -> String {
    format!("{city}{}{}", rng.pick(COMPANY_CORE), rng.pick(COMPANY_KIND))
}

/// "3.6万人"-style counts of people, "1.2亿元"-style money.
fn big_people(rng: &mut Rng) -> String {
    let n = rng.range(12, 980);
    if n.is_multiple_of(10) { format!("{}万人", n / 10) } else { format!("{}.{}万人", n / 10, n % 10) }
}

fn money(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("{}万元", rng.range(12, 9800)),
        1 => format!("{}.{}亿元", rng.range(1, 36), rng.range(1, 9)),
        _ => format!("{}万余元", rng.range(50, 900)),
    }
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Replaces every `{key}` in `tpl` and appends the result to `out`.
fn fill(out: &mut String, tpl: &str, cx: &Ctx, rng: &mut Rng) {
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let key = &after[..close];
        match key {
            "prov" => out.push_str(cx.prov),
            "city" => out.push_str(cx.city),
            "district" => out.push_str(cx.district),
            "year" => {
                let _ = write!(out, "{}", cx.year);
            }
            "lastyear" => {
                let _ = write!(out, "{}", cx.year - 1);
            }
            "month" => {
                let _ = write!(out, "{}", cx.month);
            }
            "month2" => {
                let _ = write!(out, "{}", (cx.month % 12) + 1);
            }
            "date" => {
                let _ = write!(out, "{}月{}日", cx.month, cx.day);
            }
            "worker" => out.push_str(&cx.worker),
            "company" => out.push_str(&cx.company),
            "trade" => out.push_str(cx.trade),
            "name" => out.push_str(&person(rng)),
            "official" => {
                out.push_str(rng.pick(ROLES));
                out.push_str(&person(rng));
            }
            "industry" => out.push_str(rng.pick(INDUSTRIES)),
            "industry2" => {
                // Two different industries: "{industry}、{industry2}" pairs read naturally.
                let i = rng.below(INDUSTRIES.len());
                out.push_str(INDUSTRIES[i]);
                out.push('、');
                out.push_str(INDUSTRIES[(i + 1 + rng.below(INDUSTRIES.len() - 1)) % INDUSTRIES.len()]);
            }
            "n" => {
                let _ = write!(out, "{}", rng.range(12, 980));
            }
            "n2" => {
                let _ = write!(out, "{}", rng.range(1000, 99_000));
            }
            "k" => {
                let _ = write!(out, "{}", rng.range(2, 12));
            }
            "k2" => {
                let _ = write!(out, "{}", rng.range(8, 30));
            }
            "age" => {
                let _ = write!(out, "{}", rng.range(19, 56));
            }
            "big" => out.push_str(&big_people(rng)),
            "jobs" => {
                let n = rng.range(5, 480);
                let _ = write!(out, "{}.{}万个", n / 10, n % 10);
            }
            "big_num" => out.push_str(&thousands(rng.range(1200, 98_000))),
            "money" => out.push_str(&money(rng)),
            "pct" => {
                let _ = write!(out, "{}.{}", rng.range(60, 98), rng.range(0, 9));
            }
            "pct_hi" => {
                let _ = write!(out, "99.{}", rng.range(0, 9));
            }
            "pct2" => {
                let _ = write!(out, "{}.{}", rng.range(5, 40), rng.range(0, 9));
            }
            "wage" => {
                let _ = write!(out, "{}", rng.range(25, 60) * 100);
            }
            "wage2" => {
                let _ = write!(out, "{}", rng.range(61, 150) * 100);
            }
            "temp" => {
                let _ = write!(out, "{}", rng.range(35, 40));
            }
            "ver" => {
                // "2.0", now and then "3.5": a version number followed by 版.
                let minor = if rng.chance(0.7) { 0 } else { rng.range(1, 5) };
                let _ = write!(out, "{}.{minor}", rng.range(2, 5));
            }
            _ => {
                out.push('{');
                out.push_str(key);
                out.push('}');
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

fn filled(tpl: &str, cx: &Ctx, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(tpl.len() + 32);
    fill(&mut s, tpl, cx, rng);
    s
}

/// Draws sentences from a bank without repeating one until the bank is used up.
struct Deck {
    order: Vec<usize>,
    pos: usize,
}

impl Deck {
    fn new(n: usize, rng: &mut Rng) -> Deck {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.below(i + 1));
        }
        Deck { order, pos: 0 }
    }
    fn draw(&mut self, rng: &mut Rng) -> usize {
        if self.pos == self.order.len() {
            let last = self.order[self.pos - 1];
            *self = Deck::new(self.order.len(), rng);
            if self.order.len() > 1 && self.order[0] == last {
                self.order.swap(0, 1);
            }
        }
        self.pos += 1;
        self.order[self.pos - 1]
    }
}

fn yaml_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
}

fn yaml_list(out: &mut String, key: &str, items: &[String]) {
    out.push_str(key);
    out.push_str(": [");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        yaml_str(out, s);
    }
    out.push_str("]\n");
}

struct Samplers {
    tags: Zipf,
    regions: Zipf,
    section_tags: Vec<Zipf>,
}

/// One article: returns the whole file text.
fn article(rng: &mut Rng, sm: &Samplers, sec_i: usize, stamp: (i64, u32, u32, u32, u32)) -> String {
    let sec = &SECTIONS[sec_i];
    let (year, month, day, hour, minute) = stamp;
    let (prov, cities) = REGIONS[sm.regions.sample(rng)];
    let city = rng.pick(cities);
    let cx = Ctx {
        prov,
        city,
        district: rng.pick(DISTRICTS),
        year,
        month,
        day,
        worker: person(rng),
        company: company(rng, city),
        trade: rng.pick(TRADES),
    };

    // ---- front matter
    let mut fm = String::with_capacity(512);
    fm.push_str("---\ntitle: ");
    let title = filled(rng.pick(sec.titles), &cx, rng);
    yaml_str(&mut fm, &title);
    fm.push('\n');
    if rng.chance(0.3) {
        fm.push_str("kicker: ");
        yaml_str(&mut fm, &filled(rng.pick(sec.kickers), &cx, rng));
        fm.push('\n');
    }
    if rng.chance(0.2) {
        fm.push_str("subtitle: ");
        yaml_str(&mut fm, &filled(rng.pick(sec.subtitles), &cx, rng));
        fm.push('\n');
    }
    let _ = writeln!(fm, "date: {year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:00+08:00");
    let source = filled(rng.pick(SOURCES), &cx, rng);
    let mut reporters = vec![person(rng)];
    if rng.chance(0.35) {
        reporters.push(person(rng));
    }
    yaml_list(&mut fm, "reporters", &reporters);
    fm.push_str("source: ");
    yaml_str(&mut fm, &source);
    fm.push('\n');

    let want = 2 + rng.below(3);
    let mut tags: Vec<String> = Vec::with_capacity(want);
    let mut tries = 0;
    while tags.len() < want && tries < 40 {
        tries += 1;
        let t = if rng.chance(0.6) { sec.tags[sm.section_tags[sec_i].sample(rng)] } else { TAGS[sm.tags.sample(rng)] };
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    yaml_list(&mut fm, "tags", &tags);
    let topic_roll = rng.unit();
    if topic_roll < 0.85 {
        let mut topics = vec![rng.pick(sec.topics).to_string()];
        if topic_roll < 0.2 {
            let other = rng.pick(sec.topics).to_string();
            if other != topics[0] {
                topics.push(other);
            }
        }
        yaml_list(&mut fm, "topics", &topics);
    }
    let mut regions = vec![prov.to_string()];
    if city != prov {
        regions.push(city.to_string());
    }
    yaml_list(&mut fm, "regions", &regions);
    fm.push_str("---\n\n");

    // ---- body
    // Body length in characters (Markdown included): 400..=1500, most around 700–1000.
    const MIN_CHARS: usize = 400;
    const PARA_LIMIT: usize = 1380; // no paragraph pushes the body past this
    const BLOCK_LIMIT: usize = 1440; // nor a list, quote or table past this (closing lines stay < 1500)
    let target = MIN_CHARS + rng.below(500) + rng.below(450);
    let mut body = String::with_capacity(target * 4);
    let mut chars = 0usize;
    let push_block = |body: &mut String, chars: &mut usize, block: &str| {
        body.push_str(block);
        body.push_str("\n\n");
        *chars += block.chars().count();
    };
    let push_feature = |body: &mut String, chars: &mut usize, block: &str| {
        if *chars + block.chars().count() <= BLOCK_LIMIT {
            push_block(body, chars, block);
        }
    };
    let mut decks = (Deck::new(sec.body.len(), rng), Deck::new(GENERAL.len(), rng));
    let mut sentence = |out: &mut String, rng: &mut Rng, cx: &Ctx| {
        let tpl = if rng.chance(0.35) { GENERAL[decks.1.draw(rng)] } else { sec.body[decks.0.draw(rng)] };
        if rng.chance(0.2) && !tpl.starts_with('“') {
            out.push_str(rng.pick(CONNECTIVES));
        }
        fill(out, tpl, cx, rng);
    };

    // Dateline + lead.
    let mut lead = String::new();
    match source.as_str() {
        "本报讯" => {
            let _ = write!(lead, "本报讯（记者 {}）", reporters.join(" "));
        }
        "新华社" => {
            let _ = write!(lead, "新华社{}{}月{}日电（记者 {}）", city, month, day, reporters.join(" "));
        }
        _ => {}
    }
    fill(&mut lead, rng.pick(sec.leads), &cx, rng);
    sentence(&mut lead, rng, &cx);
    push_block(&mut body, &mut chars, &lead);
    if rng.chance(0.4) {
        body.push_str("<!-- more -->\n\n");
    }

    let headings = if rng.chance(0.35) { 2 + rng.below(4) } else { 0 }; // 2..=5: TOC at 3+
    let want_list = rng.chance(0.3);
    let want_quote = rng.chance(0.3);
    let want_table = rng.chance(0.1);
    let want_note = rng.chance(0.1);
    let mut heading_deck = Deck::new(sec.headings.len(), rng);

    // Paragraph slots: features are placed at random slots among the paragraphs.
    let remaining = target.saturating_sub(chars);
    let est_paras = (remaining / 110).max(1);
    let list_at = if want_list { Some(rng.below(est_paras)) } else { None };
    let quote_at = if want_quote { Some(rng.below(est_paras)) } else { None };
    let table_at = if want_table { Some(rng.below(est_paras)) } else { None };
    let note_at = if want_note { Some(rng.below(est_paras)) } else { None };
    let heading_every = est_paras.checked_div(headings).map_or(usize::MAX, |k| k.max(1));
    let mut headings_done = 0;
    let mut para = 0usize;
    let mut note_used = false;
    let mut block = String::new();
    let mut heading = String::new();
    while chars < target || para < 1 {
        heading.clear();
        if headings_done < headings && para.is_multiple_of(heading_every) {
            heading.push_str("## ");
            fill(&mut heading, sec.headings[heading_deck.draw(rng)], &cx, rng);
            if rng.chance(0.1) {
                let _ = write!(heading, " {{#part-{}}}", headings_done + 1);
            }
        }
        block.clear();
        for _ in 0..2 + rng.below(3) {
            sentence(&mut block, rng, &cx);
        }
        let len = block.chars().count() + heading.chars().count();
        if para > 0 && chars >= MIN_CHARS && chars + len > PARA_LIMIT {
            break;
        }
        if !heading.is_empty() {
            push_block(&mut body, &mut chars, &heading);
            headings_done += 1;
        }
        if note_at == Some(para) {
            // Footnote reference after the paragraph's first sentence end.
            if let Some(i) = block.find('。') {
                block.insert_str(i, "[^1]");
                note_used = true;
            }
        }
        if rng.chance(0.08) {
            // Bold a whole leading sentence (CJK-safe: the ** touch letters, not punctuation).
            if let Some(i) = block.find('。')
                && block[..i].chars().all(|c| !matches!(c, '“' | '”' | '（' | '）' | '《' | '》'))
            {
                block.insert_str(i, "**");
                block.insert_str(0, "**");
            }
        }
        push_block(&mut body, &mut chars, &block);
        if list_at == Some(para) {
            block.clear();
            let ordered = rng.chance(0.5);
            let n = 3 + rng.below(3);
            let mut item_deck = Deck::new(sec.items.len(), rng);
            block.push_str(if ordered { "主要措施包括：\n\n" } else { "具体来看：\n\n" });
            for j in 0..n {
                if ordered {
                    let _ = write!(block, "{}. ", j + 1);
                } else {
                    block.push_str("- ");
                }
                fill(&mut block, sec.items[item_deck.draw(rng)], &cx, rng);
                block.push_str(if j + 1 == n { "。\n" } else { "；\n" });
            }
            block.pop();
            push_feature(&mut body, &mut chars, &block);
        }
        if quote_at == Some(para) {
            block.clear();
            block.push_str("> “");
            fill(&mut block, rng.pick(sec.quotes), &cx, rng);
            block.push_str("”\n>\n> ——");
            if rng.chance(0.5) {
                block.push_str(&cx.worker);
            } else {
                fill(&mut block, "{official}", &cx, rng);
            }
            push_feature(&mut body, &mut chars, &block);
        }
        if table_at == Some(para) {
            block.clear();
            let (header, cols) = sec.table;
            block.push_str("相关数据如下表所示：\n\n");
            block.push_str(header);
            block.push_str("\n| --- |");
            for _ in cols {
                block.push_str(" ---: |");
            }
            block.push('\n');
            let rows = 3 + rng.below(4);
            let mut row_deck = Deck::new(cities.len().max(DISTRICTS.len()), rng);
            for _ in 0..rows {
                let label = if cities.len() > 3 {
                    cities[row_deck.draw(rng) % cities.len()]
                } else {
                    DISTRICTS[row_deck.draw(rng) % DISTRICTS.len()]
                };
                let _ = write!(block, "| {label} |");
                for c in cols.iter() {
                    block.push(' ');
                    match *c {
                        "score" => {
                            let _ = write!(block, "{}.{}", rng.range(70, 98), rng.range(0, 9));
                        }
                        "pct_cell" => {
                            let _ = write!(block, "{}.{}%", rng.range(85, 99), rng.range(0, 9));
                        }
                        key => fill(&mut block, &format!("{{{key}}}"), &cx, rng),
                    }
                    block.push_str(" |");
                }
                block.push('\n');
            }
            block.pop();
            push_feature(&mut body, &mut chars, &block);
        }
        para += 1;
    }
    if rng.chance(0.5) {
        block.clear();
        fill(&mut block, rng.pick(CLOSINGS), &cx, rng);
        push_block(&mut body, &mut chars, &block);
    }
    if note_used {
        block.clear();
        block.push_str("[^1]: ");
        fill(&mut block, rng.pick(FOOTNOTES), &cx, rng);
        push_block(&mut body, &mut chars, &block);
    }
    if rng.chance(0.3) {
        block.clear();
        let _ = write!(block, "（{}）", if reporters.len() > 1 { "本报记者" } else { "编辑" });
        block.push_str(&person(rng));
        push_block(&mut body, &mut chars, &block);
    }
    while body.ends_with('\n') {
        body.pop();
    }
    body.push('\n');
    fm.push_str(&body);
    fm
}

// ---------------------------------------------------------------------------------------------
// Site skeleton

const GAZETTE_YAML: &str = "title: 劳动资讯基准站
description: 基准测试语料
base_url: https://example.org/
language: zh-CN
paginate_by: 10
taxonomies:
  - name: tags
    paginate_by: 10
    feed: true
  - name: topics
    paginate_by: 10
    feed: true
  - name: regions
    paginate_by: 10
    feed: true
archives: true
";

const HOME_INDEX: &str = "---
title: 劳动资讯基准站
description: 基准测试语料：合成的劳动新闻，用于比较静态站点生成器的构建速度。
---

本站内容由 `gen_corpus` 按固定随机种子生成，涵盖**要闻**、**就业**、**工匠**、**劳动教育**和**安全生产**五个栏目。

职工服务热线：12351。
";

const NEWS_INDEX: &str = "---
title: 新闻
description: 劳动领域新闻汇总
include_subsections: true
sort_by: date
paginate_by: 10
weight: 1
---
";

struct Args {
    articles: usize,
    out: PathBuf,
    seed: u64,
    force: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut articles = 1000usize;
    let mut out = None;
    let mut seed = 42u64;
    let mut force = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| inline.clone().or_else(|| it.next()).ok_or(format!("{name} needs a value"));
        match key.as_str() {
            "--articles" | "-n" => {
                articles = value("--articles")?.parse().map_err(|e| format!("--articles: {e}"))?;
            }
            "--out" | "-o" => out = Some(PathBuf::from(value("--out")?)),
            "--seed" => seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--force" => force = true,
            "-h" | "--help" => {
                return Err(String::new());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    Ok(Args { articles, out, seed, force })
}

const USAGE: &str = "usage: gen_corpus --articles N --out DIR [--seed N (default 42)] [--force]
Writes a complete Gazette site (gazette.yaml + content/) of N synthetic Chinese labour-news articles.
--force deletes an existing DIR/content first.";

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run(args: &Args) -> Result<(usize, u64), String> {
    let content = args.out.join("content");
    if content.exists() {
        if !args.force {
            return Err(format!("{} already exists; pass --force to replace it", content.display()));
        }
        fs::remove_dir_all(&content).map_err(|e| format!("cannot remove {}: {e}", content.display()))?;
    }
    fs::create_dir_all(&content).map_err(|e| format!("cannot create {}: {e}", content.display()))?;
    write(&args.out.join("gazette.yaml"), GAZETTE_YAML)?;
    write(&content.join("_index.md"), HOME_INDEX)?;
    let news = content.join("news");
    fs::create_dir_all(&news).map_err(|e| e.to_string())?;
    write(&news.join("_index.md"), NEWS_INDEX)?;
    let mut dirs = Vec::new();
    for (i, s) in SECTIONS.iter().enumerate() {
        let dir = news.join(s.slug);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let idx = format!(
            "---\ntitle: {}\ndescription: {}\nsort_by: date\npaginate_by: 10\nweight: {}\n---\n",
            s.title,
            s.description,
            i + 1
        );
        write(&dir.join("_index.md"), &idx)?;
        dirs.push(dir);
    }

    let mut rng = Rng::new(args.seed);
    let sm = Samplers {
        tags: Zipf::new(TAGS.len(), TAG_ZIPF_S),
        regions: Zipf::new(REGIONS.len(), REGION_ZIPF_S),
        section_tags: SECTIONS.iter().map(|s| Zipf::new(s.tags.len(), 0.9)).collect(),
    };
    let shares: Vec<u32> = SECTIONS.iter().map(|s| s.share).collect();
    let share_total: u32 = shares.iter().sum();

    // Distinct, evenly spread publication times: 2019-01-01 … 2025-12-31, 07:00–21:59.
    let first = days_from_civil(2019, 1, 1);
    let days = days_from_civil(2026, 1, 1) - first;
    let per_day: u64 = 15 * 60;
    let slots = days as u64 * per_day;
    let n = args.articles as u64;
    if n > slots {
        return Err(format!("at most {slots} articles"));
    }
    let mut bytes = 0u64;
    let mut name = String::new();
    for i in 0..n {
        let lo = i * slots / n;
        let hi = (i + 1) * slots / n;
        let slot = lo + rng.next() % (hi - lo).max(1);
        let (y, m, d) = civil_from_days(first + (slot / per_day) as i64);
        let minute_of_day = 7 * 60 + slot % per_day;
        let mut roll = rng.below(share_total as usize) as u32;
        let mut sec_i = 0;
        while roll >= shares[sec_i] {
            roll -= shares[sec_i];
            sec_i += 1;
        }
        let text = article(&mut rng, &sm, sec_i, (y, m, d, (minute_of_day / 60) as u32, (minute_of_day % 60) as u32));
        name.clear();
        let _ = write!(name, "{y:04}-{m:02}-{d:02}-a{}.md", i + 1);
        write(&dirs[sec_i].join(&name), &text)?;
        bytes += text.len() as u64;
    }
    Ok((args.articles, bytes))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("gen_corpus: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    match run(&args) {
        Ok((n, bytes)) => {
            eprintln!(
                "gen_corpus: wrote {n} articles ({:.1} MB) to {} in {:.2?} (seed {})",
                bytes as f64 / 1e6,
                args.out.display(),
                start.elapsed(),
                args.seed
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            ExitCode::FAILURE
        }
    }
}
