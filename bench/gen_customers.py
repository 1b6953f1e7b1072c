#!/usr/bin/env python3
"""Deterministic customer database for scale measurements.

    python3 bench/gen_customers.py 1000000 > /tmp/customers_1m.csv
    /usr/bin/time -v target/release/bylaw check /tmp/customers_1m.csv --as-of 2026-11-30 --format json > /dev/null

Every 1000th phone number is one digit short, every 777th segment is outside the declared set,
every 5000th id repeats the previous one: the run has findings of R1 and R2 to report.
"""
import random
import sys

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
random.seed(1)
segments = ["A", "B", "C", "D", "VIP", "重要", "一般", "潜在"]
out = sys.stdout
out.write("客户编号,姓名,手机,邮箱,客户等级,最近购买日期,更新日期\n")
for i in range(rows):
    phone = "1%d%09d" % (random.randint(3, 9), random.randint(0, 999_999_999))
    if i % 1000 == 0:
        phone = phone[:-1]
    segment = random.choice(segments) if i % 777 else "X"
    cid = "C%07d" % (i if i % 5000 else i - 1)
    purchase = "2026-%02d-%02d" % (random.randint(1, 11), random.randint(1, 28))
    updated = "2026-0%d-15" % random.randint(1, 9)
    out.write(f"{cid},客户{i},{phone},user{i}@example.com,{segment},{purchase},{updated}\n")
