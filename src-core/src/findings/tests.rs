//! Each security rule, positive and negative, and the engine-wide summary.

use super::*;

/// A configuration with no finding at all.
fn hardened() -> SecurityFacts {
    SecurityFacts {
        privileged: false,
        user: "1000:1000".into(),
        cap_add: vec![],
        network_mode: "bridge".into(),
        pid_mode: String::new(),
        ipc_mode: "private".into(),
        read_only_rootfs: true,
        memory_limit: Some(256 << 20),
        pids_limit: Some(100),
        mounts: vec![("/srv/site".into(), "/site".into())],
        published: vec![("127.0.0.1".into(), 8080)],
        image: "reg:5000/app:1.2".into(),
        healthcheck: true,
        restart_policy: "on-failure:5".into(),
    }
}

fn checks(f: &SecurityFacts) -> Vec<Check> {
    findings(f).iter().map(|f| f.check).collect()
}

/// The findings of `hardened()` changed by `change`: exactly `want`.
fn only(change: impl FnOnce(&mut SecurityFacts), want: Check) -> Finding {
    let mut f = hardened();
    change(&mut f);
    let all = findings(&f);
    assert_eq!(
        all.iter().map(|f| f.check).collect::<Vec<_>>(),
        vec![want],
        "{all:#?}"
    );
    let one = all
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no finding"));
    assert!(!one.title.is_empty() && !one.why.is_empty() && !one.detail.is_empty());
    one
}

#[test]
fn hardened_has_none() {
    assert_eq!(checks(&hardened()), vec![]);
}

#[test]
fn each_rule_fires_alone_with_its_reference() {
    type Change = Box<dyn FnOnce(&mut SecurityFacts)>;
    let cases: Vec<(Change, Check, Severity, &str)> = vec![
        (
            Box::new(|f| f.privileged = true),
            Check::Privileged,
            Severity::High,
            "5.4",
        ),
        (
            Box::new(|f| {
                f.mounts
                    .push(("/var/run/docker.sock".into(), "/sock".into()))
            }),
            Check::DockerSocket,
            Severity::High,
            "5.31",
        ),
        (
            Box::new(|f| f.pid_mode = "host".into()),
            Check::HostPid,
            Severity::High,
            "5.15",
        ),
        (
            Box::new(|f| f.network_mode = "host".into()),
            Check::HostNetwork,
            Severity::Medium,
            "5.9",
        ),
        (
            Box::new(|f| f.ipc_mode = "host".into()),
            Check::HostIpc,
            Severity::Medium,
            "5.16",
        ),
        (
            Box::new(|f| f.cap_add = vec!["CHOWN".into()]),
            Check::AddedCapabilities,
            Severity::Medium,
            "5.3",
        ),
        (
            Box::new(|f| f.user = String::new()),
            Check::RunsAsRoot,
            Severity::Medium,
            "4.1",
        ),
        (
            Box::new(|f| f.published.push((String::new(), 80))),
            Check::PortsOnAllInterfaces,
            Severity::Medium,
            "5.13",
        ),
        (
            Box::new(|f| f.memory_limit = None),
            Check::NoMemoryLimit,
            Severity::Medium,
            "5.10",
        ),
        (
            Box::new(|f| f.pids_limit = None),
            Check::NoPidsLimit,
            Severity::Low,
            "5.28",
        ),
        (
            Box::new(|f| f.read_only_rootfs = false),
            Check::WritableRootFs,
            Severity::Low,
            "5.12",
        ),
        (
            Box::new(|f| f.image = "busybox".into()),
            Check::LatestOrUntaggedImage,
            Severity::Low,
            "pinning",
        ),
        (
            Box::new(|f| f.healthcheck = false),
            Check::NoHealthcheck,
            Severity::Low,
            "4.6",
        ),
        (
            Box::new(|f| f.restart_policy = "no".into()),
            Check::NoRestartPolicy,
            Severity::Low,
            "5.14",
        ),
    ];
    let mut seen = Vec::new();
    for (change, check, severity, reference) in cases {
        let f = only(change, check);
        assert_eq!(f.severity, severity, "{check:?}");
        assert!(
            f.reference.contains(reference),
            "{check:?}: {}",
            f.reference
        );
        seen.push(check);
    }
    seen.sort();
    let mut all = Check::ALL.to_vec();
    all.sort();
    assert_eq!(seen, all, "every check has a case");
}

#[test]
fn rule_details() {
    // Root in every spelling; named and numeric other users are not root.
    for root in ["", "root", "0", "0:0", "root:staff"] {
        only(|f| f.user = root.into(), Check::RunsAsRoot);
    }
    for user in ["nobody", "1000", "app:0"] {
        let mut f = hardened();
        f.user = user.into();
        assert_eq!(checks(&f), vec![], "{user}");
    }
    // The socket, and directories holding it.
    let d = only(
        |f| f.mounts.push(("/run/".into(), "/host-run".into())),
        Check::DockerSocket,
    );
    assert_eq!(
        d.detail,
        "mounts /run at /host-run, which holds the Docker socket"
    );
    let d = only(
        |f| {
            f.mounts
                .push(("/var/run/docker.sock".into(), "/var/run/docker.sock".into()))
        },
        Check::DockerSocket,
    );
    assert_eq!(
        d.detail,
        "mounts /var/run/docker.sock at /var/run/docker.sock"
    );
    only(
        |f| f.mounts.push(("/tmp/e/docker.sock".into(), "/s".into())),
        Check::DockerSocket,
    );
    // Dangerous capabilities are high.
    let d = only(
        |f| f.cap_add = vec!["SYS_ADMIN".into()],
        Check::AddedCapabilities,
    );
    assert_eq!(d.severity, Severity::High);
    // Images: latest, untagged, pinned by tag or digest; a registry port is not a tag.
    only(
        |f| f.image = "busybox:latest".into(),
        Check::LatestOrUntaggedImage,
    );
    only(
        |f| f.image = "reg:5000/app".into(),
        Check::LatestOrUntaggedImage,
    );
    for pinned in ["busybox:1.36", "busybox@sha256:abc", "reg:5000/app:2"] {
        let mut f = hardened();
        f.image = pinned.into();
        assert_eq!(checks(&f), vec![], "{pinned}");
    }
    // Ports: all interfaces in each spelling; a specific address is fine.
    for ip in ["", "0.0.0.0", "::"] {
        only(
            |f| f.published = vec![(ip.into(), 80)],
            Check::PortsOnAllInterfaces,
        );
    }
    let d = only(
        |f| f.published = vec![(String::new(), 0)],
        Check::PortsOnAllInterfaces,
    );
    assert!(d.detail.contains("a random port"), "{}", d.detail);
    // Restart: empty and no are findings; always and unless-stopped are not.
    only(|f| f.restart_policy = String::new(), Check::NoRestartPolicy);
    for r in ["always", "unless-stopped", "on-failure"] {
        let mut f = hardened();
        f.restart_policy = r.into();
        assert_eq!(checks(&f), vec![], "{r}");
    }
    // Limits of 0 or below are no limits.
    only(|f| f.memory_limit = Some(0), Check::NoMemoryLimit);
    only(|f| f.pids_limit = Some(-1), Check::NoPidsLimit);
}

#[test]
fn sorted_by_severity_then_check() {
    let f = SecurityFacts {
        privileged: true,
        network_mode: "host".into(),
        ..Default::default()
    };
    let all = findings(&f);
    let keys: Vec<(Severity, Check)> = all.iter().map(|f| (f.severity, f.check)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(all[0].check, Check::Privileged);
}

#[test]
fn summary_counts_containers_at_their_worst() {
    let mut risky = hardened();
    risky.privileged = true;
    risky.healthcheck = false;
    let mut mild = hardened();
    mild.healthcheck = false;
    let all = vec![findings(&risky), findings(&mild), findings(&hardened())];
    let s = summary(&all);
    assert_eq!(s.containers, 3);
    assert_eq!((s.worst_high, s.worst_medium, s.worst_low), (1, 0, 1));
    let counts: Vec<(Check, usize)> = s.by_check.iter().map(|c| (c.check, c.containers)).collect();
    assert_eq!(
        counts,
        vec![(Check::Privileged, 1), (Check::NoHealthcheck, 2)]
    );
}
