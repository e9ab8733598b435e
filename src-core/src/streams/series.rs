//! A bounded time series of samples, pruned by age, cheap to clone.
//!
//! Samples live in sealed chunks shared by `Arc` plus a short open tail, so publishing a copy
//! of every watched series each second copies at most one tail per series, not the history.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::model::Sample;

/// How much history a series keeps: 15 minutes.
pub const SERIES_WINDOW_MS: i64 = 15 * 60 * 1000;
const CHUNK: usize = 32;

#[derive(Debug, Default)]
pub struct Series {
    sealed: VecDeque<Arc<[Sample]>>,
    tail: Vec<Sample>,
}

impl Clone for Series {
    fn clone(&self) -> Self {
        Series {
            sealed: self.sealed.clone(),
            tail: self.tail.clone(),
        }
    }

    /// Reuses `self`'s buffers (the stats hub refills its published view each tick).
    fn clone_from(&mut self, src: &Self) {
        self.sealed.clone_from(&src.sealed);
        self.tail.clone_from(&src.tail);
    }
}

impl Series {
    pub fn push(&mut self, s: Sample) {
        self.tail.push(s);
        if self.tail.len() >= CHUNK {
            let chunk: Arc<[Sample]> = std::mem::take(&mut self.tail).into();
            self.sealed.push_back(chunk);
        }
    }

    /// Drop whole chunks older than `window_ms` before `now_ms`. A chunk goes once its newest
    /// sample is out of the window, so up to one chunk of older samples may remain.
    pub fn prune(&mut self, now_ms: i64, window_ms: i64) {
        while let Some(first) = self.sealed.front() {
            match first.last() {
                Some(last) if now_ms - last.at_ms > window_ms => {
                    self.sealed.pop_front();
                }
                _ => break,
            }
        }
        if self.sealed.is_empty() {
            self.tail.retain(|s| now_ms - s.at_ms <= window_ms);
        }
    }

    pub fn latest(&self) -> Option<&Sample> {
        self.tail
            .last()
            .or_else(|| self.sealed.back().and_then(|c| c.last()))
    }

    pub fn len(&self) -> usize {
        self.sealed.iter().map(|c| c.len()).sum::<usize>() + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Sample> + '_ {
        self.sealed
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }

    /// Samples at or after `from_ms`.
    pub fn since(&self, from_ms: i64) -> impl Iterator<Item = &Sample> + '_ {
        self.iter().filter(move |s| s.at_ms >= from_ms)
    }
}

impl Serialize for Series {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Sample {
        Sample {
            at_ms: ms,
            ..Default::default()
        }
    }

    #[test]
    fn keeps_order_and_latest() {
        let mut s = Series::default();
        for i in 0..100 {
            s.push(at(i * 1000));
        }
        assert_eq!(s.len(), 100);
        assert_eq!(s.latest().map(|x| x.at_ms), Some(99_000));
        let v: Vec<i64> = s.iter().map(|x| x.at_ms).collect();
        assert!(v.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn prunes_by_age_and_stays_bounded() {
        let mut s = Series::default();
        // Two hours at 1 Hz with pruning as the hub does.
        for i in 0..7200 {
            s.push(at(i * 1000));
            s.prune(i * 1000, SERIES_WINDOW_MS);
        }
        let window = (SERIES_WINDOW_MS / 1000) as usize;
        assert!(s.len() >= window, "keeps at least the window: {}", s.len());
        assert!(s.len() <= window + CHUNK + 1, "bounded: {}", s.len());
        let oldest = s.iter().next().map_or(0, |x| x.at_ms);
        assert!(7_199_000 - oldest <= SERIES_WINDOW_MS + (CHUNK as i64) * 1000);
    }

    #[test]
    fn clones_share_history() {
        let mut s = Series::default();
        for i in 0..64 {
            s.push(at(i));
        }
        let c = s.clone();
        assert!(Arc::ptr_eq(&s.sealed[0], &c.sealed[0]));
    }
}
