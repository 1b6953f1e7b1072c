//! `--partition K/N`: one audit cut into N shards that separate machines check, whose reports
//! `bylaw merge` puts back together.
//!
//! A file belongs to shard K when the FNV-1a 64 hash of its reported path (forward slashes),
//! modulo N, is K − 1. The hash is fixed (see [`crate::hash`]) and depends on nothing but the
//! path, so every machine cuts the same tree the same way: the shards never overlap and
//! together cover every file, without a scheduler or a shared file list.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::report::finding::Finding;

/// Shard `index` of `count` (1 ≤ index ≤ count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Partition {
    index: usize,
    count: usize,
}

impl Partition {
    pub fn new(index: usize, count: usize) -> Result<Partition, String> {
        if count == 0 {
            return Err("the number of shards must be at least 1".into());
        }
        if index == 0 || index > count {
            return Err(format!(
                "shard {index} of {count} does not exist: shards are numbered 1 to {count}"
            ));
        }
        Ok(Partition { index, count })
    }

    /// The shard's number, from 1.
    pub fn index(self) -> usize {
        self.index
    }

    /// How many shards there are.
    pub fn count(self) -> usize {
        self.count
    }

    /// Whether the file (or problem path) reported as `path` belongs to this shard.
    pub fn contains(self, path: &str) -> bool {
        shard_of(path, self.count) == self.index
    }
}

/// The shard (from 1) that the path reported as `path` belongs to, among `count` shards.
pub fn shard_of(path: &str, count: usize) -> usize {
    let normalised = path.replace('\\', "/");
    let hash = crate::hash::fnv1a(normalised.as_bytes());
    // The remainder is below `count`, so it fits a usize.
    (hash % count.max(1) as u64) as usize + 1
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(s: &str) -> Result<Partition, String> {
        let bad = || format!("`{s}` is not a shard: write K/N, such as 2/4 for shard 2 of 4");
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        Partition::new(k, n)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// How one shard fared with one waiver of `bylaw.toml` whose path matched a file of the shard.
/// Whether a waiver suppressed anything is a question about the whole run, so a shard does not
/// report an unused waiver: it records this, and `bylaw merge` reports the waivers that some
/// shard matched and none used.
#[derive(Debug, Clone)]
pub struct ShardWaiver {
    /// The waiver's index among the configuration's `[[waivers]]`.
    pub waiver: usize,
    /// It suppressed a finding of this shard.
    pub used: bool,
    /// The `bylaw/suppression-unused` finding to report if no shard used the waiver (`None`
    /// when there is none to report: the waiver expired, which is reported on its own).
    pub unused: Option<Finding>,
}

/// What a shard's JSON or SARIF report records for `bylaw merge`.
#[derive(Debug, Clone, Copy)]
pub struct Shard<'a> {
    pub partition: Partition,
    /// The files the shard checked, as reported.
    pub files: &'a [String],
    pub waivers: &'a [ShardWaiver],
}

/// The `partition` object of a shard's report: the JSON report's, and the SARIF run's
/// property. `T` is a finding as the format writes it (a JSON diagnostic, a SARIF result).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRecord<T> {
    pub index: usize,
    pub count: usize,
    /// The files the shard checked (test cases of a merged JUnit report; no file may be in
    /// two shards).
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default = "Vec::new")]
    pub waivers: Vec<WaiverRecord<T>>,
}

/// A [`ShardWaiver`] as a report records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiverRecord<T> {
    pub waiver: usize,
    pub used: bool,
    #[serde(default = "Option::default", skip_serializing_if = "Option::is_none")]
    pub unused: Option<T>,
}

impl<T> ShardRecord<T> {
    /// The record of a shard, its findings written by `render`.
    pub fn of<'a>(shard: Shard<'a>, render: impl Fn(&'a Finding) -> T) -> ShardRecord<T> {
        ShardRecord {
            index: shard.partition.index(),
            count: shard.partition.count(),
            files: shard.files.to_vec(),
            waivers: shard
                .waivers
                .iter()
                .map(|w| WaiverRecord {
                    waiver: w.waiver,
                    used: w.used,
                    unused: w.unused.as_ref().map(&render),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        assert_eq!("2/4".parse::<Partition>(), Partition::new(2, 4));
        assert_eq!(
            " 1 / 1 ".parse::<Partition>().map(|p| p.to_string()),
            Ok("1/1".into())
        );
        for bad in ["0/3", "4/3", "1/0", "x", "1", "1/", "/3", "-1/3", "1/3/5"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn shards_are_pinned() {
        // Changing the hash would move files between the shards of a running audit.
        assert_eq!(shard_of("a/b.docx", 2), 2);
        assert_eq!(shard_of("a/b.docx", 5), 1);
        assert_eq!(shard_of("bylaw.toml", 3), 2);
        assert_eq!(shard_of("records/2026年活动台账.csv", 5), 2);
        assert_eq!(shard_of("samples/ads/新品上市广告文案.md", 4), 3);
        assert_eq!(shard_of("a\\b.docx", 5), shard_of("a/b.docx", 5));
    }

    #[test]
    fn every_path_has_exactly_one_shard() {
        let paths = ["a.md", "b/c.csv", "报告.docx", "x y/z.txt"];
        for n in 1..=7 {
            for p in paths {
                let owners: Vec<usize> = (1..=n)
                    .filter(|&k| Partition::new(k, n).is_ok_and(|s| s.contains(p)))
                    .collect();
                assert_eq!(owners.len(), 1, "{p} in {n} shards: {owners:?}");
            }
        }
    }
}
