#!/usr/bin/env python3
"""Recreate the four Word samples in this folder, deterministically.

    pip install python-docx
    python3 samples/docx/make_samples.py [--lines]

Uses the `Builder` of `tests/fixtures/docx/make_docx.py` (python-docx plus raw XML, fixed
zip timestamps and core-property dates). `--lines` prints each file's body lines as bylaw's
.docx model counts them (one per paragraph, one per table row).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the fixtures
HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "make_docx", HERE.parent.parent / "tests" / "fixtures" / "docx" / "make_docx.py"
)
make_docx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_docx)
Builder = make_docx.Builder

SAMPLES = {}


def sample(name):
    def register(fn):
        SAMPLES[name] = fn
        return fn

    return register


# Chinese Word's style ids: Normal is "a", Heading n is "n", Title is "a3" (names unchanged:
# "heading 1" …, which the Chinese UI shows as 标题 1 …). Outline levels kept, as Word writes them.
ZH_WORD_IDS = {
    "Normal": "a", "Heading1": "1", "Heading2": "2", "Heading3": "3",
    "Heading1Char": "10", "Heading2Char": "20", "Heading3Char": "30",
    "Title": "a3", "TitleChar": "a4", "Header": "a5", "HeaderChar": "a6",
    "Footer": "a7", "FooterChar": "a8", "TableGrid": "a9",
}


@sample("2026年华东区咖啡消费市场调研报告.docx")
def _():
    b = Builder(
        author="张晓雯",
        date="2026-11-12T09:30:00",
        core_title="2026年华东区咖啡消费市场调研报告",
        header=["【内部资料】仅限市场部使用"],
    )
    b.p("2026年华东区咖啡消费市场调研报告", "Title")
    b.p("编制：市场部调研组（张晓雯、刘畅）　审核：周建国　日期：2026年11月12日")
    b.p()
    b.p("一、研究背景", "Heading 1")
    b.p("2026年以来，华东区现制咖啡市场继续扩张，上海、杭州、南京三城新开咖啡门店超过3,200家，"
        "9.9元价格带的连锁品牌加速下沉，对公司中端门店的客流形成明显分流。")
    b.p("为评估2027年门店布局和产品价格策略，市场部于2026年9月至10月开展本次调研，重点回答三个问题："
        "消费者的饮用频次与场景有何变化；价格敏感区间在哪里；外卖与自提渠道的占比趋势如何。")
    b.p("二、调研方法", "Heading 1")
    b.p("（一）问卷调查", "Heading 2")
    b.p("通过会员小程序和第三方样本库投放线上问卷，覆盖上海、杭州、南京、苏州四城，回收有效问卷2,418份，"
        "其中公司会员1,037份、非会员1,381份。样本按城市、年龄、性别配额抽取。")
    b.p("（二）门店访谈", "Heading 2")
    b.p("在12家门店对常客进行面对面访谈，共36人，每人约30分钟，重点了解购买动机、价格感受和等候体验。")
    b.p("（三）竞品走访", "Heading 2")
    b.p("实地走访8个竞品品牌的24家门店，记录价格、杯型、促销方式与高峰时段出杯时间。")
    b.p("三、调研结果", "Heading 1")
    b.p("（一）饮用频次与场景", "Heading 2")
    b.p("每周饮用3杯及以上的受访者占42.6%，较2025年同期上升5.1个百分点；工作日上午通勤与午后提神是两大主要场景，合计占68%。")
    b.p("（二）价格敏感度", "Heading 2")
    b.p("各城市可接受的单杯价格区间如下表。")
    b.table([
        ["城市", "样本量", "可接受单杯价格（元）", "价格敏感者占比"],
        ["上海", "812", "20—28", "31%"],
        ["杭州", "604", "18—25", "37%"],
        ["南京", "528", "16—24", "42%"],
        ["苏州", "474", "16—22", "45%"],
    ])
    b.p("（三）渠道偏好", "Heading 2")
    b.p("外卖订单占比为34%；自提（含小程序预点单）占比29%，较去年提升9个百分点；堂食占比降至37%。")
    b.p("四、结论", "Heading 1")
    b.p("1. 中端价位（18—25元）的现制咖啡仍有稳定需求，但价格敏感人群在二线城市明显扩大；")
    b.p("2. 自提渠道增长较快，门店选址对写字楼步行距离的要求更高；")
    b.p("3. 竞品在杭州滨江、南京河西、苏州园区的覆盖不足，存在约一年的窗口期。")
    b.p("五、建议", "Heading 1")
    b.p("1. 2027年上半年在杭州滨江、南京河西、苏州园区试点9家以自提为主的小型门店，单店面积控制在40平方米以内；")
    b.p("2. 推出18元价格带的基础款美式与拿铁，会员日叠加优惠，稳住价格敏感客群；")
    b.p("3. 小程序预点单增加“到店即取”提醒，缩短高峰期等候时间；")
    b.p("4. 2027年第二季度复测上述指标，检验试点效果。")
    b.p()
    b.p("附件：调查问卷及访谈提纲（另附）")
    b.post.append(make_docx.rename_style_ids(ZH_WORD_IDS))
    return b


@sample("2027年春季新品营销活动方案.docx")
def _():
    b = Builder(
        author="李思远",
        date="2026-11-26T15:00:00",
        header=["【内部资料】仅限市场部、财务部使用"],
    )
    b.p("2027年春季新品“樱花白桃拿铁”上市营销活动方案", "Heading 1")
    b.p("编制：李思远（活动策划专员）　审核：陈静（市场部经理）　日期：2026年11月26日")
    b.p("一、活动背景", "Heading 2")
    b.p("2026年春季限定饮品贡献了第二季度新品销量的41%。2027年春季新品“樱花白桃拿铁”计划于3月中旬上市，"
        "需要一次线上线下联动的上市活动带动首月销量和会员拉新。")
    b.p("二、活动主题", "Heading 2")
    b.p("樱花季·白桃来")
    b.p("三、活动形式", "Heading 2")
    b.p("线下门店樱花主题布置与拍照打卡；线上小红书话题挑战（#樱花季白桃来#）；会员首杯立减5元。")
    b.p("四、活动时间", "Heading 2")
    b.p("2027年3月15日—4月15日，共32天；3月15日当天在三城同步启动。")
    b.p("五、活动地点", "Heading 2")
    b.p("上海、杭州、南京三城共18家门店；线上为品牌小程序及小红书官方账号。")
    b.p("六、参与人员", "Heading 2")
    b.p("市场部策划组3人、品牌组2人，设计中心1人；18家门店店长及店员约150人。")
    b.p("七、活动预算", "Heading 2")
    b.p("预算明细如下，费用由市场部2027年第一季度活动经费列支。")
    b.table([
        ["序号", "项目", "数量", "单价（元）", "金额（元）", "备注"],
        ["1", "门店樱花主题布置", "18", "1,500", "27,000", "每店一套"],
        ["2", "打卡拍照框及桌贴", "18", "320", "5,760", ""],
        ["3", "小红书达人合作", "12", "1,800", "21,600", "腰部达人"],
        ["4", "新品试饮杯", "6,000", "0.9", "5,400", ""],
        ["5", "会员首杯立减补贴", "3,000", "5", "15,000", "按预计核销量"],
        ["6", "活动执行备用金", "1", "4,000", "4,000", ""],
        ["合计", "", "", "", "79,760", ""],
    ])  # the items add up to 78,760
    b.p("八、效果评估", "Heading 2")
    b.p("活动期间新品销量目标3万杯；小红书话题曝光不少于200万次；活动会员复购率较2026年春季提升3个百分点。")
    b.p("九、风险与预案", "Heading 2")
    b.p("如遇连续阴雨，门店打卡改为店内进行；达人内容发布前由品牌组审稿，确保符合广告法要求。")
    return b


@sample("2027年度品牌推广方案.docx")
def _():
    b = Builder(
        author="孙悦",
        date="2026-11-28T10:00:00",
        header=["密级：机密　分发范围：市场部管理层"],
    )
    b.p("星澜咖啡2027年度品牌推广方案", "Title")
    b.p("编制：孙悦（品牌专员）　审核：陈静（市场部经理）　日期：2026年11月28日")
    b.p("一、推广周期", "Heading 1")
    b.p("2027年1月1日至12月31日，年度方案按季度分解执行。")
    b.p("二、推广目标", "Heading 1")
    b.p("品牌认知度（华东三城）由38%提升至45%；会员总数由86万增至110万；小程序月活跃用户突破40万。")
    b.p("三、推广渠道", "Heading 1")
    b.p("线上：微信公众号及视频号、小红书、抖音、本地生活平台。")
    b.p("线下：门店物料、商圈大屏、高校咖啡节。")
    b.p("四、推广内容", "Heading 1")
    b.p("（一）季节限定产品", "Heading 2")
    b.p("每季度推出一款限定饮品，配合节气主题海报和短视频。")
    b.p("（二）会员日", "Heading 2")
    b.p("每月18日为会员日，双倍积分并开放限定周边兑换。")
    b.p("（三）城市咖啡地图", "Heading 2")
    b.p("与本地生活平台合作发布上海、杭州、南京三城的咖啡地图，串联门店与周边街区。")
    b.p("五、时间安排", "Heading 1")
    b.table([
        ["季度", "重点工作", "负责组"],
        ["第一季度", "春季限定上市、城市咖啡地图（上海）", "品牌组"],
        ["第二季度", "高校咖啡节、夏季限定预热", "策划组"],
        ["第三季度", "夏季限定上市、城市咖啡地图（杭州、南京）", "品牌组"],
        ["第四季度", "周年庆、冬季限定与圣诞季", "策划组"],
    ])
    b.p("六、资源配置", "Heading 1")
    b.p("人员安排：品牌组5人、策划组3人、设计中心2人。")
    b.p("费用：全年推广费用480万元，分季度报财务部审批。")
    b.p("物料：由设计中心统一设计制作，门店按季度领取。")
    return b


@sample("星澜咖啡苏州园区旗舰店开业新闻稿.docx")
def _():
    b = Builder(author="王琳", date="2026-12-10T09:00:00", page_number=False)
    b.p("星澜咖啡苏州园区旗舰店12月18日开业", "Title")
    b.p("新闻稿　2026年12月10日　苏州")
    b.p("12月18日，星澜咖啡苏州园区旗舰店将在金鸡湖畔正式开业。门店面积320平方米，设有烘焙工坊、手冲吧台和"
        "可容纳60人的阅读区，致力于打造苏州顶级的咖啡社交空间。")
    b.p("开业当天起连续三天，每天前200位到店顾客可免费领取限定帆布袋；门店还将举办第一届“园区咖啡节”，"
        "邀请本地烘焙师现场分享。")
    b.p("旗舰店提供季节限定“桂花乌龙拿铁”和苏州门店专属的“碧螺春冷萃”，会员可在小程序预点单，到店即取。")
    b.p("星澜咖啡创立于2016年，目前在华东地区经营门店126家。品牌坚持使用可追溯产地的咖啡豆，并在每家门店设置咖啡渣回收点。")
    b.p("开业活动详情将第一时间在“星澜咖啡”公众号发布。")
    b.p()
    b.p("媒体联系：王琳　电话：0512-62883175　邮箱：press@xinglan-coffee.example")
    b.p("门店地址：苏州工业园区星港街188号　营业时间：每日7:30—22:00")
    return b


def main(argv):
    show = "--lines" in argv
    for name, make in SAMPLES.items():
        data = make().save(HERE / name)
        if show:
            make_docx.print_lines(name, data)
    print(f"wrote {len(SAMPLES)} files to {HERE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
