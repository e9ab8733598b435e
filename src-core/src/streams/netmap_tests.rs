//! Mapping containers' interfaces to the host ends of their veth pairs, on a fake `/proc` and
//! `/sys/class/net`.

use std::fs;
use std::path::Path;

use super::*;

pub(crate) fn write(p: &Path, s: &str) {
    if let Some(d) = p.parent() {
        fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
    }
    fs::write(p, s).unwrap_or_else(|e| panic!("{e}"));
}

/// A `net/dev` with these (name, received, sent) lines.
pub(crate) fn dev(rows: &[(&str, u64, u64)]) -> String {
    let mut s = String::from("Inter-|   Receive |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n");
    for (name, rx, tx) in rows {
        s.push_str(&format!(
            "{name:>6}: {rx} 1 0 0 0 0 0 0 {tx} 1 0 0 0 0 0 0\n"
        ));
    }
    s
}

/// An interface in a sysfs `class/net` directory.
pub(crate) fn iface(class_net: &Path, name: &str, ifindex: u32, iflink: u32) {
    write(
        &class_net.join(name).join("ifindex"),
        &format!("{ifindex}\n"),
    );
    write(&class_net.join(name).join("iflink"), &format!("{iflink}\n"));
}

/// The host: lo, docker0, vethA (index 12, peer index 2), vethB (13, peer 2).
pub(crate) fn host(root: &Path) -> HostNet {
    let (proc_, class) = (root.join("proc"), root.join("sys/class/net"));
    write(
        &proc_.join("self/net/dev"),
        &dev(&[
            ("lo", 9, 9),
            ("docker0", 5, 5),
            ("vethA", 2000, 1000),
            ("vethB", 70, 80),
        ]),
    );
    iface(&class, "lo", 1, 1);
    iface(&class, "docker0", 3, 3);
    iface(&class, "vethA", 12, 2);
    iface(&class, "vethB", 13, 2);
    HostNet::new(&proc_, class)
}

#[test]
fn a_veth_maps_to_its_host_end_and_reads_crossed() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut h = host(t.path());
    assert!(h.refresh(0));
    let pid = t.path().join("proc/42");
    iface(&pid.join("root/sys/class/net"), "eth0", 2, 12);
    // Read after the host's table: the container sent 2000 and received 1000, and a little
    // more since.
    let own = dev(&[("lo", 1, 1), ("eth0", 1010, 2020)]);
    let m = h.map(&own, &pid).unwrap_or_else(|| panic!("not mapped"));
    assert_eq!(m.peers, ["vethA"]);
    assert_eq!(m.ifaces, ["eth0"]);
    assert_eq!(h.container_counters(&m.peers), Some((1000, 2000)));
    assert!(m.still_listed(&own));
    assert!(
        !m.still_listed(&dev(&[("lo", 1, 1), ("eth0", 1, 1), ("eth1", 1, 1)])),
        "a network was connected"
    );
    assert!(!m.still_listed(&dev(&[("lo", 1, 1)])), "disconnected");
    assert_eq!(
        h.container_counters(&["gone".to_owned()]),
        None,
        "a host end no longer there"
    );
}

#[test]
fn what_is_not_a_veth_pair_with_the_host_is_not_mapped() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut h = host(t.path());
    assert!(h.refresh(0));
    let own = dev(&[("lo", 1, 1), ("eth0", 1010, 2020)]);
    let proc_ = t.path().join("proc");
    // Its peer index names a host interface whose own peer is another index (an interface of
    // another namespace with the same index).
    let p = proc_.join("43");
    iface(&p.join("root/sys/class/net"), "eth0", 7, 12);
    assert_eq!(h.map(&own, &p), None);
    // The right pair, but the host end counted more than the container ever did.
    let p = proc_.join("44");
    iface(&p.join("root/sys/class/net"), "eth0", 2, 12);
    let less = dev(&[("lo", 1, 1), ("eth0", 999, 2020)]);
    assert_eq!(h.map(&less, &p), None);
    // No index anywhere (host network, no sysfs): not mapped.
    assert_eq!(h.map(&own, &proc_.join("45")), None);
    // Only loopback: nothing to map.
    assert_eq!(h.map(&dev(&[("lo", 1, 1)]), &p), None);
    // A name that is a path.
    assert_eq!(h.map(&dev(&[("..", 1, 1)]), &p), None);
}

#[test]
fn a_fifo_in_the_containers_sysfs_does_not_block() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut h = host(t.path());
    assert!(h.refresh(0));
    let p = t.path().join("proc/46");
    let dir = p.join("root/sys/class/net/eth0");
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    rustix::fs::mknodat(
        rustix::fs::CWD,
        dir.join("iflink"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o644),
        0,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let own = dev(&[("lo", 1, 1), ("eth0", 1010, 2020)]);
    assert_eq!(h.map(&own, &p), None);
}

#[test]
fn an_unreadable_host_table_is_empty() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut h = HostNet::new(&t.path().join("nowhere"), t.path().join("class"));
    assert!(!h.refresh(0));
    assert_eq!(h.container_counters(&["vethA".to_owned()]), None);
}

#[test]
fn a_host_table_larger_than_the_first_read_is_read_whole() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<(String, u64, u64)> = (0..900)
        .map(|i| (format!("veth{i:05}"), i, 2 * i))
        .collect();
    let rows: Vec<(&str, u64, u64)> = rows.iter().map(|(n, r, t)| (n.as_str(), *r, *t)).collect();
    let text = dev(&rows);
    assert!(text.len() > 32 * 1024, "{}", text.len());
    write(&t.path().join("proc/self/net/dev"), &text);
    let mut h = HostNet::new(&t.path().join("proc"), t.path().join("class"));
    assert!(h.refresh(0));
    assert_eq!(h.table.len(), 900);
    assert_eq!(
        h.container_counters(&["veth00899".to_owned()]),
        Some((2 * 899, 899))
    );
}

#[test]
fn the_host_table_is_read_only_when_it_costs_less_than_the_containers_own_files() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut h = host(t.path());
    // Never read: read it (to learn its size, and to map).
    assert!(h.pays_for(1, 0));
    assert!(h.refresh(0));
    // Four lines: one container's own file is cheaper; one per four lines is not.
    assert!(!h.pays_for(0, 1000));
    assert!(h.pays_for(1, 1000));
    let proc_ = t.path().join("proc");
    let many: Vec<(String, u64, u64)> = (0..40).map(|i| (format!("veth{i}"), i, i)).collect();
    let rows: Vec<(&str, u64, u64)> = many.iter().map(|(n, r, s)| (n.as_str(), *r, *s)).collect();
    write(&proc_.join("self/net/dev"), &dev(&rows));
    assert!(h.refresh(1000));
    assert!(!h.pays_for(1, 2000));
    assert!(!h.pays_for(9, 2000));
    assert!(h.pays_for(10, 2000));
    // Read again after a recheck period whatever the count (the host's size moves), and when
    // the clock went back.
    assert!(h.pays_for(1, 1000 + RECHECK_MS));
    assert!(h.pays_for(1, 500));
}

#[test]
fn a_refresh_updates_the_table_in_place_and_drops_what_left() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut h = host(t.path());
    assert!(h.refresh(0));
    assert_eq!(h.container_counters(&["vethA".into()]), Some((1000, 2000)));
    let dev_path = t.path().join("proc/self/net/dev");
    write(
        &dev_path,
        &dev(&[("lo", 9, 9), ("vethA", 2100, 1100), ("vethC", 1, 2)]),
    );
    assert!(h.refresh(1000));
    assert_eq!(h.container_counters(&["vethA".into()]), Some((1100, 2100)));
    assert_eq!(h.container_counters(&["vethC".into()]), Some((2, 1)));
    // vethB left the host: a container mapped to it is sent back to its own file.
    assert_eq!(h.container_counters(&["vethB".into()]), None);
    write(&dev_path, &dev(&[("lo", 9, 9)]));
    assert!(h.refresh(2000));
    assert_eq!(h.container_counters(&["vethA".into()]), None);
}
