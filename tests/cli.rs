//! The command line as users drive it: exit codes, the JSON contract, masking, broken inputs
//! and configuration.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{bylaw, write};

const COMPLIANT_REPORT: &str = "# 2026年咖啡市场调研报告\n\n【内部资料】仅限市场部使用\n\n## 一、引言\n背景。\n\n## 二、调研方法\n问卷。\n\n## 三、结果分析\n数据。\n\n## 四、结论\n结论。\n\n## 五、建议\n建议。\n";

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("valid JSON")
}

/// Run `bylaw ARGS` in `dir`, expect exit `code`, and return stdout.
fn run(dir: &Path, args: &[&str], code: i32) -> Vec<u8> {
    bylaw()
        .current_dir(dir)
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone()
}

#[test]
fn exit_0_when_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "调研报告.md", COMPLIANT_REPORT);
    bylaw()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(0);
}

#[test]
fn exit_1_on_error_findings_and_json_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = COMPLIANT_REPORT.replace("## 四、结论\n结论。\n\n", "");
    write(dir.path(), "reports/调研报告.md", &report);
    let out = run(
        dir.path(),
        &[
            "check",
            "reports",
            "--format",
            "json",
            "--as-of",
            "2026-11-30",
        ],
        1,
    );
    let json = json_of(&out);
    assert_eq!(json["version"], 1);
    assert_eq!(json["as_of"], "2026-11-30");
    assert_eq!(json["summary"]["files_checked"], 1);
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["warnings"], 0);
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "research-report/missing-part");
    assert_eq!(d["clauses"], serde_json::json!(["4.1.5"]));
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "research report has no conclusion");
    assert_eq!(d["file"], "reports/调研报告.md");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(1), Some(16))
    );
    for key in ["sheet", "cell", "row", "field"] {
        assert!(d[key].is_null(), "{key} is null for documents");
    }
    assert!(d["help"].as_str().is_some_and(|h| h.contains("结论")));
}

#[test]
fn warnings_alone_exit_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Conclusion before results: a warning only.
    let report = "# 2026年咖啡市场调研报告\n\n【内部资料】仅限市场部使用\n\n## 引言\n背景。\n\n## 调研方法\n问卷。\n\n## 结论\n结论。\n\n## 结果分析\n数据。\n\n## 建议\n建议。\n";
    write(dir.path(), "调研报告.md", report);
    let out = run(dir.path(), &["check", ".", "--format", "json"], 0);
    let json = json_of(&out);
    assert_eq!(json["summary"]["warnings"], 1);
    assert_eq!(json["diagnostics"][0]["rule"], "research-report/part-order");
}

#[test]
fn unreadable_file_is_an_error_and_others_are_still_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a_调研报告.md", COMPLIANT_REPORT);
    std::fs::write(
        dir.path().join("b.md"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    )
    .expect("write");
    let out = run(dir.path(), &["check", ".", "--format", "json"], 1);
    let json = json_of(&out);
    assert_eq!(json["summary"]["files_checked"], 2);
    let diags = json["diagnostics"].as_array().expect("array");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["rule"], "bylaw/unreadable");
    assert_eq!(diags[0]["file"], "b.md");
    assert_eq!(diags[0]["clauses"], serde_json::json!([]));
}

#[test]
fn missing_path_and_unsupported_file_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "photo.png", "not really");
    let out = run(
        dir.path(),
        &["check", "nope", "photo.png", "--format", "json"],
        1,
    );
    let json = json_of(&out);
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert_eq!(rules, vec!["bylaw/unreadable", "bylaw/unsupported"]);
}

#[test]
fn personal_data_is_masked_unless_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "新品海报文案.md",
        "# 新品海报文案\n\n预约请致电店长 13812345678。\n",
    );
    for format in ["human", "json"] {
        let out = run(dir.path(), &["check", ".", "--format", format], 1);
        let text = String::from_utf8(out).expect("utf-8");
        assert!(
            !text.contains("13812345678"),
            "{format} output leaks the number:\n{text}"
        );
        assert!(
            text.contains("138****5678"),
            "{format} output shows the masked number:\n{text}"
        );
    }
    let out = run(dir.path(), &["check", ".", "--show-values"], 1);
    assert!(String::from_utf8_lossy(&out).contains("13812345678"));
}

#[test]
fn broken_policy_exits_2_with_a_located_diagnostic() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "rules/my.bylaw",
        "rule demo/x {\n  clauses 4.1.5\n  severity eror\n  applies to research-report\n  message \"m\"\n  report\n}\n",
    );
    write(dir.path(), "调研报告.md", COMPLIANT_REPORT);
    let assert = bylaw()
        .current_dir(dir.path())
        .args(["check", ".", "--policy", "rules"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("unknown severity `eror`"), "{err}");
    assert!(err.contains("rules/my.bylaw:3:12"), "{err}");
    assert!(err.contains("did you mean `error`?"), "{err}");
}

#[test]
fn user_policies_alone_with_no_builtin() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "rules/my.bylaw",
        "clause 9.1 \"memos are dated\"\nkind memo { keywords [\"memo\", \"备忘\"] }\nrule memo/dated {\n  clauses 9.1\n  severity error\n  applies to memo\n  message \"memo has no date\"\n  if len(document.find(/\\d{4}-\\d{2}-\\d{2}/)) == 0 { report at document.title }\n}\n",
    );
    write(
        dir.path(),
        "docs/team-memo.md",
        "# Team memo\n\nNo date here.\n",
    );
    write(dir.path(), "docs/调研报告.md", "# 调研报告\n");
    let out = run(
        dir.path(),
        &[
            "check",
            "docs",
            "--policy",
            "rules",
            "--no-builtin",
            "--format",
            "json",
        ],
        1,
    );
    let json = json_of(&out);
    let diags = json["diagnostics"].as_array().expect("array");
    assert_eq!(diags.len(), 1, "{json}");
    assert_eq!(diags[0]["rule"], "memo/dated");
    assert_eq!(diags[0]["clauses"], serde_json::json!(["9.1"]));
}

#[test]
fn config_turns_rules_off_and_assigns_kinds() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "ads/spring.md", "# 春季上新\n\n全网最低价！\n");
    write(
        dir.path(),
        "bylaw.toml",
        "[kinds]\nad-copy = [\"ads/**\"]\n",
    );
    bylaw()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(1);
    write(
        dir.path(),
        "bylaw.toml",
        "[kinds]\nad-copy = [\"ads/**\"]\n[rules]\n\"ad-copy/absolute-term\" = \"off\"\n",
    );
    bylaw()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(0);
}

#[test]
fn invalid_config_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "bylaw.toml", "exlude = [\"x\"]\n");
    let assert = bylaw()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("exlude"), "{err}");
}

#[test]
fn output_order_is_deterministic() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..12 {
        write(dir.path(), &format!("r{i:02}_调研报告.md"), "# 调研报告\n");
    }
    let run = || run(dir.path(), &["check", ".", "--format", "json"], 1);
    let first = run();
    assert_eq!(first, run());
    let json = json_of(&first);
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
}

#[test]
fn config_params_override_policy_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = "# 2027年会员客户关怀计划\n\n【内部资料】仅限客户关系组使用\n\n## 一、VIP客户\n每月电话回访一次。\n\n## 二、潜在客户\n每季度短信问候。\n";
    write(dir.path(), "客户关怀计划.md", plan);
    bylaw()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(0);
    write(
        dir.path(),
        "bylaw.toml",
        "[params]\nmin_customer_tiers = 3\n",
    );
    let out = run(dir.path(), &["check", ".", "--format", "json"], 1);
    let json = json_of(&out);
    assert_eq!(json["diagnostics"][0]["rule"], "care-plan/tiers");
    assert_eq!(
        json["diagnostics"][0]["message"],
        "care plan addresses 2 customer tier(s); at least 3 are needed"
    );
    write(
        dir.path(),
        "bylaw.toml",
        "[params]\nmin_custmer_tiers = 3\n",
    );
    let assert = bylaw()
        .current_dir(dir.path())
        .args(["check", "."])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(err.contains("did you mean `min_customer_tiers`?"), "{err}");
}

#[test]
fn files_over_the_size_limit_are_reported_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "调研报告.md", COMPLIANT_REPORT);
    write(dir.path(), "bylaw.toml", "max_file_mb = 0\n");
    let json = json_of(&run(dir.path(), &["check", ".", "--format", "json"], 1));
    assert_eq!(json["diagnostics"][0]["rule"], "bylaw/unreadable");
    assert!(
        json["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("over the limit of 0 MiB")),
        "{json}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_linked_files_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "docs/调研报告.md", COMPLIANT_REPORT);
    std::os::unix::fs::symlink(dir.path().join("docs"), dir.path().join("docs/loop"))
        .expect("symlink");
    std::os::unix::fs::symlink(
        dir.path().join("docs/调研报告.md"),
        dir.path().join("linked_调研报告.md"),
    )
    .expect("symlink");
    let json = json_of(&run(dir.path(), &["check", ".", "--format", "json"], 1));
    assert_eq!(json["summary"]["files_checked"], 2, "{json}");
    let diags = json["diagnostics"].as_array().expect("array");
    assert_eq!(diags.len(), 1, "{json}");
    assert_eq!(diags[0]["rule"], "bylaw/unreadable");
    assert!(
        diags[0]["file"]
            .as_str()
            .is_some_and(|f| f.contains("loop")),
        "{json}"
    );
}

#[test]
fn unread_deliverables_in_a_folder_are_warnings_named_ones_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "调研报告.md", COMPLIANT_REPORT);
    write(dir.path(), "archive/2019年调研报告.pdf", "%PDF-1.4");
    write(dir.path(), "archive/photo.png", "not a deliverable");
    let json = json_of(&run(dir.path(), &["check", ".", "--format", "json"], 0));
    let diags = json["diagnostics"].as_array().expect("array");
    assert_eq!(diags.len(), 1, "{json}");
    assert_eq!(diags[0]["rule"], "bylaw/unsupported");
    assert_eq!(diags[0]["severity"], "warning");
    assert_eq!(diags[0]["file"], "archive/2019年调研报告.pdf");
    let json = json_of(&run(
        dir.path(),
        &["check", "archive/2019年调研报告.pdf", "--format", "json"],
        1,
    ));
    assert_eq!(json["diagnostics"][0]["severity"], "error");
}

/// Hostile inputs side by side: each gets one diagnostic, the good file is still checked.
#[test]
fn hostile_inputs_are_reported_one_each() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "good_调研报告.md", COMPLIANT_REPORT);
    std::fs::write(dir.path().join("empty.docx"), b"").expect("write");
    std::fs::write(dir.path().join("fake.docx"), b"PK\x03\x04 truncated zip").expect("write");
    std::fs::write(
        dir.path().join("image.md"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
    )
    .expect("write");
    std::fs::write(dir.path().join("broken.xlsx"), b"not a workbook at all").expect("write");
    let json = json_of(&run(dir.path(), &["check", ".", "--format", "json"], 1));
    assert_eq!(json["summary"]["files_checked"], 5, "{json}");
    let mut files: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| {
            assert_eq!(d["rule"], "bylaw/unreadable", "{d}");
            d["file"].as_str().unwrap_or("")
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        ["broken.xlsx", "empty.docx", "fake.docx", "image.md"]
    );
}

#[test]
fn baseline_accepts_known_findings_and_reports_fixed_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "新品海报.md",
        "# 新品海报\n\n全网最低价，品质最佳。\n",
    );
    run(
        dir.path(),
        &["check", ".", "--write-baseline", "baseline.json"],
        1,
    );
    // Edits elsewhere in the file do not resurrect baselined findings.
    write(
        dir.path(),
        "新品海报.md",
        "# 新品海报\n\n新增一段说明。\n\n全网最低价，品质最佳。\n",
    );
    let json = json_of(&run(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
        ],
        0,
    ));
    assert_eq!(json["summary"]["errors"], 0, "{json}");
    // A new occurrence fails; a removed one is reported as fixed.
    write(
        dir.path(),
        "新品海报.md",
        "# 新品海报\n\n品质最佳，国家级认证。\n",
    );
    let out = run(
        dir.path(),
        &["check", ".", "--baseline", "baseline.json"],
        1,
    );
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("国家级"), "{text}");
    assert!(text.contains("1 fixed since it was written"), "{text}");
}

#[test]
fn fail_on_warning_makes_warnings_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = "# 2026年咖啡市场调研报告\n\n【内部资料】仅限市场部使用\n\n## 引言\n背景。\n\n## 调研方法\n问卷。\n\n## 结论\n结论。\n\n## 结果分析\n数据。\n\n## 建议\n建议。\n";
    write(dir.path(), "调研报告.md", report);
    run(dir.path(), &["check", "."], 0);
    run(dir.path(), &["check", ".", "--fail-on", "warning"], 1);
}

#[test]
fn changed_since_checks_only_changed_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs")
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    write(dir.path(), "old_调研报告.md", "# 调研报告\n");
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "start"]);
    write(dir.path(), "新品海报.md", "# 新品海报\n\n品质最佳。\n");
    let json = json_of(&run(
        dir.path(),
        &["check", ".", "--changed-since", "HEAD", "--format", "json"],
        1,
    ));
    assert_eq!(json["summary"]["files_checked"], 1, "{json}");
    assert!(
        json["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .all(|d| d["file"] == "新品海报.md")
    );
    let assert = bylaw()
        .current_dir(dir.path())
        .args(["check", ".", "--changed-since", "no-such-rev"])
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr).contains("no-such-rev"));
}

#[test]
fn explain_and_init() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(dir.path(), &["explain", "4.1.5"], 0);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("research-report/missing-part"), "{text}");
    let out = run(dir.path(), &["explain", "ad-copy/absolute-term"], 0);
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("rule ad-copy/absolute-term {"), "{text}");
    assert!(text.contains("clause 1.3.1"), "{text}");
    let assert = bylaw()
        .current_dir(dir.path())
        .args(["explain", "ad-copy/absolute-trem"])
        .assert()
        .code(2);
    assert!(
        String::from_utf8_lossy(&assert.get_output().stderr)
            .contains("did you mean `ad-copy/absolute-term`?")
    );
    run(dir.path(), &["init"], 0);
    let config = std::fs::read_to_string(dir.path().join("bylaw.toml")).expect("written");
    assert!(
        bylaw::config::parse("bylaw.toml", &config).is_ok(),
        "the template parses"
    );
    // Every commented setting is a real one: uncommented, the template still parses.
    let uncommented: String = config
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let parsed = bylaw::config::parse("bylaw.toml", &uncommented);
    let Ok(parsed) = parsed else {
        panic!("the uncommented template does not parse:\n{uncommented}");
    };
    // … and its parameters, kinds and rules are the pack's.
    assert!(bylaw::run::load_policies(&bylaw::run::Options::default(), &parsed).is_ok());
    run(dir.path(), &["init"], 2);
}

#[test]
fn inline_suppressions_need_reasons_expire_and_are_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "海报.md",
        "# 新品海报\n\n<!-- bylaw-disable-next-line ad-copy/absolute-term -- 引用监管通报原文 -->\n品质最佳。\n\n<!-- bylaw-disable-next-line ad-copy/absolute-term -- 旧豁免 (until 2026-01-01) -->\n顶级。\n\n<!-- bylaw-disable-next-line ad-copy/absolute-term -- 这行没有问题 -->\n普通文字。\n",
    );
    let json = json_of(&run(
        dir.path(),
        &["check", ".", "--as-of", "2026-11-30", "--format", "json"],
        1,
    ));
    assert_eq!(json["summary"]["suppressed"], 1, "{json}");
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert!(rules.contains(&"bylaw/suppression-expired"), "{rules:?}");
    assert!(rules.contains(&"bylaw/suppression-unused"), "{rules:?}");
    assert!(
        rules.contains(&"ad-copy/absolute-term"),
        "the expired suppression no longer hides 顶级: {rules:?}"
    );
    assert!(
        !json.to_string().contains("最佳`"),
        "the suppressed finding is not reported: {json}"
    );
    // Before the expiry date, the same suppression works.
    let json = json_of(&run(
        dir.path(),
        &["check", ".", "--as-of", "2025-12-01", "--format", "json"],
        0,
    ));
    assert_eq!(json["summary"]["suppressed"], 2, "{json}");
}

#[test]
fn waivers_in_config_accept_record_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "客户信息.csv",
        "客户编号,姓名,手机,邮箱,客户等级,最近购买日期\nC1,张三,13812345678,,A,2026-10-01\nC1,李四,13912345678,,B,2026-10-02\n",
    );
    run(dir.path(), &["check", ".", "--as-of", "2026-11-30"], 1);
    write(
        dir.path(),
        "bylaw.toml",
        "[[waivers]]\npath = \"客户信息.csv\"\nrule = \"customers/duplicate-id\"\nrow = 2\nreason = \"两个账户同属一位客户，待合并\"\napproved_by = \"王经理\"\nexpires = \"2027-03-31\"\n",
    );
    let out = run(
        dir.path(),
        &["check", ".", "--as-of", "2026-11-30", "--show-suppressed"],
        0,
    );
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("1 suppressed"), "{text}");
    assert!(text.contains("待合并") && text.contains("王经理"), "{text}");
    // A waiver needs a reason and an approver.
    write(
        dir.path(),
        "bylaw.toml",
        "[[waivers]]\npath = \"客户信息.csv\"\nrule = \"customers/duplicate-id\"\n",
    );
    run(dir.path(), &["check", "."], 2);
}

#[test]
fn coverage_accounts_for_every_clause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(dir.path(), &["coverage", "--format", "json"], 0);
    let json = json_of(&out);
    let clauses = json["clauses"].as_array().expect("array");
    assert!(clauses.len() > 80, "{}", clauses.len());
    assert!(
        clauses.iter().all(|c| c["status"] != "not-covered"),
        "{json}"
    );
    let reminder = clauses
        .iter()
        .find(|c| c["clause"] == "7.2.3")
        .expect("7.2.3");
    assert_eq!(reminder["status"], "not-checkable");
    assert!(reminder["reason"].as_str().is_some_and(|r| !r.is_empty()));
    // A user pack that forgets a clause is not fully covered.
    write(
        dir.path(),
        "p.bylaw",
        "clause 9.1 \"dated\"\nclause 9.2 \"signed\"\nkind memo { keywords [\"memo\"] }\nrule memo/dated {\n  clauses 9.1\n  severity error\n  applies to memo\n  message \"m\"\n  report\n}\n",
    );
    let assert = bylaw()
        .current_dir(dir.path())
        .args([
            "coverage",
            "--policy",
            "p.bylaw",
            "--no-builtin",
            "--fail-under",
            "100",
        ])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(
        text.contains("9.2") && text.contains("NOT COVERED"),
        "{text}"
    );
}

#[test]
fn rules_in_force_follow_the_audit_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "p.bylaw",
        "clause 9.1 \"memos are dated\"\nkind memo { keywords [\"memo\"] }\nrule memo/dated {\n  clauses 9.1\n  severity error\n  applies to memo\n  effective 2027-01-01\n  message \"memo has no date\"\n  report\n}\n",
    );
    write(dir.path(), "memo.md", "# Memo\n");
    let args = |day: &str| -> Vec<String> {
        [
            "check",
            "memo.md",
            "--policy",
            "p.bylaw",
            "--no-builtin",
            "--as-of",
            day,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let a = args("2026-12-31");
    run(
        dir.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        0,
    );
    let a = args("2027-01-01");
    run(
        dir.path(),
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
    );
    let listed = run(
        dir.path(),
        &[
            "rules",
            "--policy",
            "p.bylaw",
            "--no-builtin",
            "--as-of",
            "2026-06-01",
        ],
        0,
    );
    assert!(!String::from_utf8_lossy(&listed).contains("memo/dated"));
    let listed = run(
        dir.path(),
        &[
            "rules",
            "--policy",
            "p.bylaw",
            "--no-builtin",
            "--as-of",
            "2027-06-01",
        ],
        0,
    );
    assert!(String::from_utf8_lossy(&listed).contains("memo/dated"));
}
