#!/usr/bin/env python3
"""Deterministic corpus of marketing deliverables for throughput measurements.

    python3 bench/gen_corpus.py OUT_DIR [--files N] [--seed S]

Writes N deliverables (default 5000) under OUT_DIR, in Chinese (about two thirds) and English,
as Markdown (60%), plain text (25%, one in five of them GBK-encoded) and Word .docx (15%):
research reports, research plans, campaign plans with budget tables, promotion plans, training
plans, care plans, campaign reviews, ad copy and meeting notes. About a third of the files have
a planted violation (a missing or empty part, a budget total that does not add up, an absolute
advertising term …); `OUT_DIR.planted.tsv`, beside the folder, lists them.

The same arguments always write the same bytes (fixed seed, fixed zip timestamps), so two
machines measure the same corpus. Standard library only.
"""

from __future__ import annotations

import argparse
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

CITIES = ["上海", "杭州", "南京", "苏州", "宁波", "合肥", "无锡", "成都", "武汉", "长沙"]
CITIES_EN = ["Shanghai", "Hangzhou", "Nanjing", "Suzhou", "Ningbo", "Chengdu", "Wuhan"]
PRODUCTS = ["燕麦拿铁", "冷萃咖啡", "挂耳咖啡", "桂花乌龙", "生椰拿铁", "咖啡豆礼盒", "手冲套装"]
PRODUCTS_EN = ["oat latte", "cold brew", "drip bags", "coffee beans gift box", "pour-over kit"]
CHANNELS = ["会员小程序", "微信公众号", "小红书", "抖音", "门店海报", "短信", "电话回访"]
ABSOLUTE = ["最佳", "第一品牌", "国家级", "全网最低价", "销量第一", "顶级", "史上最强", "绝无仅有"]
ABSOLUTE_EN = ["the best", "No. 1", "world's best", "number one", "lowest price ever"]

ZH_SENTENCES = [
    "本次工作由市场部牵头，销售部、客服中心和各门店配合完成。",
    "{city}地区的{product}销量在第三季度同比增长{pct}%，高于全国平均水平。",
    "受访者中有{pct}%表示每周至少购买两次，工作日上午是主要消费时段。",
    "{channel}的触达率为{pct}%，转化率明显高于其他渠道。",
    "门店店长反映，周末下午的等候时间较长，部分顾客因此放弃购买。",
    "会员复购率为{pct}%，其中高等级会员的复购率约为普通会员的两倍。",
    "竞品在{city}新开门店{n}家，主打9.9元价格带，对中端门店形成分流。",
    "我们将按月跟踪各项指标，并在部门例会上通报进展。",
    "相关数据来源于会员系统、收银系统和第三方样本库，已完成交叉核对。",
    "第一季度的工作重点是稳定客流，第二季度再逐步推出新品。",
    "活动期间共发放优惠券{n}张，核销率{pct}%。",
    "顾客对{product}的口味评价较好，但对价格的接受度存在明显的城市差异。",
]
EN_SENTENCES = [
    "The marketing team led the work, with sales, customer service and the stores in support.",
    "Sales of {product} in {city} grew {pct}% year on year in the third quarter.",
    "{pct}% of respondents buy at least twice a week, mostly on weekday mornings.",
    "Repeat purchase among members reached {pct}%, about twice the rate of casual customers.",
    "Store managers report long queues on weekend afternoons, and some customers walk away.",
    "Competitors opened {n} new stores in {city}, most of them in the lower price band.",
    "We will track every indicator monthly and report progress at the department meeting.",
    "Data come from the membership system, the till system and a third-party panel.",
]

MARK_ZH = "【内部资料】本文件仅限市场部内部使用，未经批准不得外传。"
MARK_EN = "Internal — for the marketing department only; do not forward without approval."


class Writer:
    """Builds one document as (style, text) blocks; renders it as Markdown, text or .docx."""

    def __init__(self, rnd: random.Random, zh: bool):
        self.rnd, self.zh, self.blocks = rnd, zh, []

    def sentence(self) -> str:
        pool = ZH_SENTENCES if self.zh else EN_SENTENCES
        return self.rnd.choice(pool).format(
            city=self.rnd.choice(CITIES if self.zh else CITIES_EN),
            product=self.rnd.choice(PRODUCTS if self.zh else PRODUCTS_EN),
            channel=self.rnd.choice(CHANNELS),
            pct=self.rnd.randint(3, 78),
            n=self.rnd.randint(2, 4000),
        )

    def title(self, text):
        self.blocks.append(("title", text))

    def heading(self, text, level=1):
        self.blocks.append((f"h{level}", text))

    def para(self, text=None, sentences=(2, 6)):
        if text is None:
            text = ("" if self.zh else " ").join(
                self.sentence() for _ in range(self.rnd.randint(*sentences))
            )
        self.blocks.append(("p", text))

    def prose(self, paragraphs=(1, 4)):
        for _ in range(self.rnd.randint(*paragraphs)):
            self.para()

    def table(self, rows):
        self.blocks.append(("table", rows))

    def markdown(self) -> str:
        out = []
        for style, value in self.blocks:
            if style == "title":
                out.append(f"# {value}")
            elif style.startswith("h"):
                out.append("#" * (int(style[1]) + 1) + " " + value)
            elif style == "table":
                out.append("| " + " | ".join(value[0]) + " |")
                out.append("|" + "---|" * len(value[0]))
                out.extend("| " + " | ".join(r) + " |" for r in value[1:])
            else:
                out.append(value)
            out.append("")
        return "\n".join(out)

    def text(self) -> str:
        out = []
        for style, value in self.blocks:
            if style == "table":
                out.extend("\t".join(r) for r in value)
            else:
                out.append(value)
            if style != "p":
                continue
            out.append("")
        return "\n".join(out) + "\n"

    def docx(self) -> bytes:
        body = []
        for style, value in self.blocks:
            if style == "table":
                rows = "".join(
                    "<w:tr>" + "".join(f"<w:tc>{_para(c)}</w:tc>" for c in r) + "</w:tr>"
                    for r in value
                )
                body.append(f"<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/></w:tblPr>{rows}</w:tbl>")
            else:
                style_id = {"title": "Title", "h1": "Heading1", "h2": "Heading2"}.get(style)
                body.append(_para(value, style_id))
        return _docx_package("".join(body))


def _para(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W_NS}>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
    '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>'
    "</w:styles>"
)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)


def _docx_package(body: str) -> bytes:
    import io

    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}>'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("word/_rels/document.xml.rels", DOC_RELS),
            ("word/document.xml", document),
            ("word/styles.xml", STYLES),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 30, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


# Each generator fills a Writer and returns (file stem, planted violation or "").


def research_report(w: Writer, rnd: random.Random, i: int):
    city = rnd.choice(CITIES)
    parts = ["一、引言", "二、调研方法", "三、调研结果", "四、结论", "五、建议"]
    if not w.zh:
        city = rnd.choice(CITIES_EN)
        parts = ["1. Introduction", "2. Method", "3. Results", "4. Conclusions", "5. Recommendations"]
    planted = ""
    if i % 5 == 0:
        drop = rnd.randrange(len(parts))
        planted = f"research-report/missing-part ({parts[drop]})"
        parts = parts[:drop] + parts[drop + 1:]
    title = f"{city}{rnd.choice(PRODUCTS)}消费调研报告" if w.zh else f"{city} Coffee Market Research Report"
    w.title(title)
    w.para(MARK_ZH if w.zh else MARK_EN)
    for part in parts:
        w.heading(part)
        w.prose((1, 5))
        if "结果" in part or "Results" in part:
            w.table([["城市", "样本量", "占比"]] + [[c, str(rnd.randint(80, 900)), f"{rnd.randint(5, 60)}%"] for c in CITIES[:5]])
    return title, planted


def campaign_plan(w: Writer, rnd: random.Random, i: int):
    title = f"2027年{rnd.choice(CITIES)}门店{rnd.choice(['会员日', '周年庆', '新品上市', '双旦'])}营销活动方案"
    if not w.zh:
        title = f"{rnd.choice(CITIES_EN)} Store Anniversary Campaign Plan 2027"
    w.title(title)
    w.para(MARK_ZH if w.zh else MARK_EN)
    sections = ["一、活动主题", "二、活动形式", "三、活动时间", "四、活动地点", "五、参与人员",
                "六、活动预算", "七、效果评估"]
    if not w.zh:
        sections = ["1. Theme", "2. Format", "3. Time", "4. Venue", "5. Participants", "6. Budget",
                    "7. Evaluation"]
    planted = ""
    for s in sections:
        w.heading(s)
        if "预算" in s or "Budget" in s:
            items = [("物料制作", rnd.randint(2, 30) * 1000), ("场地布置", rnd.randint(5, 50) * 1000),
                     ("礼品采购", rnd.randint(3, 40) * 1000), ("线上投放", rnd.randint(10, 90) * 1000)]
            total = sum(a for _, a in items)
            if i % 4 == 0:
                planted = "campaign-plan/budget-total"
                total += 1000
            header = ["项目", "金额（元）", "说明"] if w.zh else ["Item", "Amount (CNY)", "Note"]
            rows = [[n, f"{a:,}", "按报价单"] for n, a in items]
            w.table([header] + rows + [["合计" if w.zh else "Total", f"{total:,}", ""]])
        else:
            w.prose((1, 3))
    return title, planted


def ad_copy(w: Writer, rnd: random.Random, i: int):
    product = rnd.choice(PRODUCTS if w.zh else PRODUCTS_EN)
    title = f"{product}新品上市宣传稿" if w.zh else f"Press release: new {product}"
    w.title(title)
    planted = ""
    for _ in range(rnd.randint(2, 6)):
        text = w.sentence() + w.sentence()
        if i % 3 == 0 and not planted:
            term = rnd.choice(ABSOLUTE if w.zh else ABSOLUTE_EN)
            text = (f"我们的{product}是{term}，" if w.zh else f"Our {product} is {term}. ") + text
            planted = f"ad-copy/absolute-term ({term})"
        w.para(text)
    w.para("第一时间关注我们的公众号，获取第一季度优惠信息。" if w.zh else "Follow us for first-quarter offers.")
    return title, planted


def training_plan(w: Writer, rnd: random.Random, i: int):
    title = "2027年度市场部培训计划" if w.zh else "Marketing Training Plan 2027"
    w.title(title)
    w.para(MARK_ZH if w.zh else MARK_EN)
    w.heading("一、培训目标" if w.zh else "1. Goals")
    w.prose((1, 2))
    w.heading("二、培训安排" if w.zh else "2. Schedule")
    header = ["时间", "内容", "对象", "方式"] if w.zh else ["Month", "Topic", "Audience", "Method"]
    planted = ""
    if i % 4 == 0:
        header = header[:3]
        planted = "training-plan/missing-part (method)"
    rows = [[f"{m}月", rnd.choice(["产品知识", "服务礼仪", "数据分析", "广告法合规"]), "全体员工", rnd.choice(["内部培训", "外部培训", "在线学习"])][: len(header)] for m in range(1, 13, 2)]
    w.table([header] + rows)
    w.heading("三、考核方式" if w.zh else "3. Assessment")
    w.prose((1, 2))
    return title, planted


def campaign_review(w: Writer, rnd: random.Random, i: int):
    title = f"{rnd.choice(['双十一', '国庆', '会员日'])}活动总结" if w.zh else "Post-campaign review - Q3"
    w.title(title)
    w.para(MARK_ZH if w.zh else MARK_EN)
    parts = ["一、销售数据分析", "二、顾客反馈", "三、经验教训"] if w.zh else ["1. Sales analysis", "2. Customer feedback", "3. Lessons learned"]
    planted = ""
    if i % 4 == 0:
        planted = f"campaign-review (no {parts[-1]})"
        parts = parts[:-1]
    for p in parts:
        w.heading(p)
        w.prose((2, 4))
    return title, planted


def meeting_notes(w: Writer, rnd: random.Random, i: int):
    title = f"2026-11-{rnd.randint(1, 28):02d}部门周会纪要" if w.zh else "Weekly team meeting notes"
    w.title(title)
    w.prose((3, 8))
    return title, ""


KINDS = [
    (research_report, 4), (campaign_plan, 4), (ad_copy, 4), (training_plan, 1),
    (campaign_review, 2), (meeting_notes, 3),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    generators = [g for g, weight in KINDS for _ in range(weight)]
    planted_lines = ["file\tplanted"]
    for i in range(args.files):
        gen = generators[i % len(generators)]
        w = Writer(rnd, zh=rnd.random() < 0.67)
        title, planted = gen(w, rnd, i // len(generators))
        roll = rnd.random()
        folder = args.out / f"dept{i % 17:02d}" / f"{2020 + i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{i:06d}-{title}".replace("/", "-").replace(" ", "-")
        if roll < 0.60:
            path, data = folder / f"{stem}.md", w.markdown().encode()
        elif roll < 0.85:
            gbk = w.zh and rnd.random() < 0.2
            path = folder / f"{stem}.txt"
            data = w.text().encode("gb18030" if gbk else "utf-8")
        else:
            path, data = folder / f"{stem}.docx", w.docx()
        path.write_bytes(data)
        if planted:
            planted_lines.append(f"{path.relative_to(args.out)}\t{planted}")
    args.out.with_name(args.out.name + ".planted.tsv").write_text("\n".join(planted_lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
