//! Engine-wide documents → wharf model types: stats samples, version and info, disk usage
//! (from `/system/df`, or summed from the lists when an engine's `df` is too slow).

use bollard::models as m;

use crate::clock::now_ms;
use crate::model::{DiskUsage, DiskUsageKind, EngineInfo, Image, RawStats, Volume};

pub(crate) fn raw_stats(s: m::ContainerStatsResponse) -> RawStats {
    let cpu = s.cpu_stats.unwrap_or_default();
    let usage = cpu.cpu_usage.unwrap_or_default();
    let online = cpu
        .online_cpus
        .filter(|n| *n > 0)
        .or_else(|| usage.percpu_usage.as_ref().map(|p| p.len() as u32))
        .unwrap_or(1);
    let mem = s.memory_stats.unwrap_or_default();
    let mstats = mem.stats.unwrap_or_default();
    // cgroup v1 calls it total_inactive_file, v2 inactive_file (docker CLI: same choice).
    let inactive = mstats
        .get("total_inactive_file")
        .or_else(|| mstats.get("inactive_file"))
        .copied()
        .unwrap_or(0);
    let (mut rx, mut tx) = (0u64, 0u64);
    for n in s.networks.unwrap_or_default().values() {
        // Saturating: the engine's numbers are outside input, and overflow panics in debug.
        rx = rx.saturating_add(n.rx_bytes.unwrap_or(0));
        tx = tx.saturating_add(n.tx_bytes.unwrap_or(0));
    }
    let (mut br, mut bw) = (0u64, 0u64);
    for e in s
        .blkio_stats
        .and_then(|b| b.io_service_bytes_recursive)
        .unwrap_or_default()
    {
        match e.op.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("read") => br = br.saturating_add(e.value.unwrap_or(0)),
            Some("write") => bw = bw.saturating_add(e.value.unwrap_or(0)),
            _ => {}
        }
    }
    RawStats {
        at_ms: now_ms(),
        cpu_total_ns: usage.total_usage.unwrap_or(0),
        system_ns: cpu.system_cpu_usage,
        online_cpus: online,
        mem_usage: mem.usage.unwrap_or(0),
        mem_inactive_file: inactive,
        mem_limit: mem.limit.unwrap_or(0),
        net_rx: rx,
        net_tx: tx,
        blk_read: br,
        blk_write: bw,
        pids: s.pids_stats.and_then(|p| p.current).unwrap_or(0),
    }
}

pub(crate) fn engine_info(v: m::SystemVersion, i: m::SystemInfo, negotiated: String) -> EngineInfo {
    let n = |x: Option<i64>| x.and_then(|x| u64::try_from(x).ok()).unwrap_or(0);
    EngineInfo {
        platform: platform(&v, &i),
        version: v.version.unwrap_or_default(),
        api_version: v.api_version.unwrap_or_default(),
        negotiated_api_version: negotiated,
        min_api_version: v.min_api_version,
        os: i.operating_system.unwrap_or_default(),
        os_type: i.os_type.unwrap_or_default(),
        kernel: i.kernel_version.or(v.kernel_version).unwrap_or_default(),
        arch: i.architecture.or(v.arch).unwrap_or_default(),
        hostname: i.name.unwrap_or_default(),
        storage_driver: i.driver.unwrap_or_default(),
        cgroup_driver: i.cgroup_driver.map(|c| c.to_string()).unwrap_or_default(),
        cgroup_version: i.cgroup_version.map(|c| c.to_string()).unwrap_or_default(),
        logging_driver: i.logging_driver.unwrap_or_default(),
        cpus: i.ncpu.and_then(|c| u32::try_from(c).ok()).unwrap_or(0),
        memory: n(i.mem_total),
        root_dir: i.docker_root_dir.unwrap_or_default(),
        containers: n(i.containers),
        running: n(i.containers_running),
        paused: n(i.containers_paused),
        stopped: n(i.containers_stopped),
        images: n(i.images),
        swarm: i
            .swarm
            .as_ref()
            .and_then(|s| s.local_node_state)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        swarm_manager: i
            .swarm
            .as_ref()
            .and_then(|s| s.control_available)
            .unwrap_or(false),
        node_id: i.swarm.and_then(|s| s.node_id).filter(|n| !n.is_empty()),
        system_time: i.system_time.unwrap_or_default(),
        warnings: i.warnings.unwrap_or_default(),
    }
}

/// The engine's product name (`Docker Engine - Community`). Docker 20.10 sends an empty
/// `Platform.Name`, which left the Engine page's "Platform" blank: the engine's OS/arch as
/// `docker version` prints them (`linux/amd64`) stand in, else the info's operating system.
fn platform(v: &m::SystemVersion, i: &m::SystemInfo) -> String {
    fn given(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    if let Some(name) = v.platform.as_ref().map(|p| p.name.trim()) {
        if !name.is_empty() {
            return name.to_owned();
        }
    }
    let os = given(&v.os).or(given(&i.os_type));
    let arch = given(&v.arch).or(given(&i.architecture));
    match (os, arch) {
        (Some(os), Some(arch)) => format!("{os}/{arch}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => given(&i.operating_system).unwrap_or_default().to_owned(),
    }
}

/// The new (API ≥ 1.52) `/system/df` summaries; `None` when the engine sent none.
pub(crate) fn disk_usage(df: m::SystemDataUsageResponse) -> Option<Vec<DiskUsage>> {
    let n = |x: Option<i64>| x.and_then(|x| u64::try_from(x).ok()).unwrap_or(0);
    let row = |kind, total, active, size, reclaimable| DiskUsage {
        kind,
        total: n(total),
        active: n(active),
        size: n(size),
        reclaimable: n(reclaimable),
    };
    let i = df.image_usage?;
    let mut out = vec![row(
        DiskUsageKind::Images,
        i.total_count,
        i.active_count,
        i.total_size,
        i.reclaimable,
    )];
    if let Some(c) = df.container_usage {
        out.push(row(
            DiskUsageKind::Containers,
            c.total_count,
            c.active_count,
            c.total_size,
            c.reclaimable,
        ));
    }
    if let Some(v) = df.volume_usage {
        out.push(row(
            DiskUsageKind::Volumes,
            v.total_count,
            v.active_count,
            v.total_size,
            v.reclaimable,
        ));
    }
    if let Some(b) = df.build_cache_usage {
        out.push(row(
            DiskUsageKind::BuildCache,
            b.total_count,
            b.active_count,
            b.total_size,
            b.reclaimable,
        ));
    }
    Some(out)
}

/// A sum of sizes from the engine that saturates instead of overflowing (a panic in debug).
fn total(sizes: impl Iterator<Item = u64>) -> u64 {
    sizes.fold(0, u64::saturating_add)
}

/// `docker system df` computed from lists, for engines whose `/system/df` shape predates
/// API 1.52. Image sizes overlap through shared layers, so the image total is an upper bound.
pub(crate) fn disk_usage_from_lists(
    images: &[Image],
    containers: &[m::ContainerSummary],
    volumes: &[Volume],
) -> Vec<DiskUsage> {
    let used_images: std::collections::HashSet<&str> = containers
        .iter()
        .filter_map(|c| c.image_id.as_deref())
        .collect();
    let img_size = total(images.iter().map(|i| i.size.max(0) as u64));
    let img_active = images
        .iter()
        .filter(|i| used_images.contains(i.id.as_str()))
        .count() as u64;
    let img_reclaim = total(
        images
            .iter()
            .filter(|i| !used_images.contains(i.id.as_str()))
            .map(|i| i.size.max(0) as u64),
    );
    let running = |c: &m::ContainerSummary| {
        matches!(
            c.state,
            Some(m::ContainerSummaryStateEnum::RUNNING | m::ContainerSummaryStateEnum::PAUSED)
        )
    };
    let rw = |c: &m::ContainerSummary| c.size_rw.unwrap_or(0).max(0) as u64;
    let used_volumes: std::collections::HashSet<&str> = containers
        .iter()
        .flat_map(|c| c.mounts.iter().flatten())
        .filter_map(|m| m.name.as_deref())
        .collect();
    let vol_active = volumes
        .iter()
        .filter(|v| used_volumes.contains(v.name.as_str()))
        .count() as u64;
    vec![
        DiskUsage {
            kind: DiskUsageKind::Images,
            total: images.len() as u64,
            active: img_active,
            size: img_size,
            reclaimable: img_reclaim,
        },
        DiskUsage {
            kind: DiskUsageKind::Containers,
            total: containers.len() as u64,
            active: containers.iter().filter(|c| running(c)).count() as u64,
            size: total(containers.iter().map(rw)),
            reclaimable: total(containers.iter().filter(|c| !running(c)).map(rw)),
        },
        DiskUsage {
            kind: DiskUsageKind::Volumes,
            total: volumes.len() as u64,
            active: vol_active,
            size: total(
                volumes
                    .iter()
                    .filter_map(|v| v.size)
                    .map(|s| s.max(0) as u64),
            ),
            reclaimable: 0,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(platform: Option<&str>) -> m::SystemVersion {
        m::SystemVersion {
            platform: platform.map(|name| m::SystemVersionPlatform { name: name.into() }),
            os: Some("linux".into()),
            arch: Some("amd64".into()),
            ..Default::default()
        }
    }

    #[test]
    fn platform_is_the_product_name_when_the_engine_sends_one() {
        let v = version(Some("Docker Engine - Community"));
        let i = engine_info(v, m::SystemInfo::default(), "1.45".into());
        assert_eq!(i.platform, "Docker Engine - Community");
    }

    #[test]
    fn platform_falls_back_to_os_and_arch_on_20_10() {
        // What dockerd 20.10 answers: `"Platform":{"Name":""}`.
        let i = engine_info(version(Some("")), m::SystemInfo::default(), "1.41".into());
        assert_eq!(i.platform, "linux/amd64");
        // No version fields at all: the info's.
        let info = m::SystemInfo {
            os_type: Some("linux".into()),
            architecture: Some("x86_64".into()),
            operating_system: Some("Debian GNU/Linux 12 (bookworm)".into()),
            ..Default::default()
        };
        let i = engine_info(m::SystemVersion::default(), info.clone(), "1.41".into());
        assert_eq!(i.platform, "linux/x86_64");
        let only_os = m::SystemInfo {
            os_type: None,
            architecture: None,
            ..info
        };
        let i = engine_info(m::SystemVersion::default(), only_os, "1.41".into());
        assert_eq!(i.platform, "Debian GNU/Linux 12 (bookworm)");
    }
}
