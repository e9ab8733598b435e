//! Table-driven tests of every run form field (good and bad input, the message naming value
//! and rule), the `docker run` line (it splits back into the same arguments, and those
//! arguments read back as the same plan), and a property test that no input panics.

use proptest::prelude::*;

use super::run::*;
use crate::model::Protocol;

fn form(image: &str) -> RunForm {
    RunForm {
        image: image.into(),
        ..Default::default()
    }
}

/// The errors of `f`, or a panic naming the plan when it parsed.
fn errors(f: &RunForm) -> Vec<FieldError> {
    match f.parse() {
        Ok(p) => panic!("parsed {f:?} as {p:?}"),
        Err(e) => e,
    }
}

fn plan(f: &RunForm) -> RunPlan {
    match f.parse() {
        Ok(p) => p,
        Err(e) => panic!("{f:?}: {e:?}"),
    }
}

/// Set one field of a busybox form from text: lists get one entry.
fn with(field: Field, value: &str) -> RunForm {
    let mut f = form("busybox");
    let v = value.to_owned();
    match field {
        Field::Image => f.image = v,
        Field::Name => f.name = v,
        Field::Command => f.command = v,
        Field::Entrypoint => f.entrypoint = v,
        Field::Ports => f.ports = vec![v],
        Field::Env => f.env = vec![v],
        Field::EnvFile => f.env_file = v,
        Field::Mounts => f.mounts = vec![v],
        Field::Networks => f.networks = vec![v],
        Field::Restart => f.restart = v,
        Field::Memory => f.memory = v,
        Field::MemorySwap => {
            f.memory = "1g".into();
            f.memory_swap = v
        }
        Field::MemoryReservation => {
            f.memory = "1g".into();
            f.memory_reservation = v
        }
        Field::Cpus => f.cpus = v,
        Field::CpuShares => f.cpu_shares = v,
        Field::Cpuset => f.cpuset = v,
        Field::PidsLimit => f.pids_limit = v,
        Field::User => f.user = v,
        Field::Workdir => f.workdir = v,
        Field::Hostname => f.hostname = v,
        Field::CapAdd => f.cap_add = vec![v],
        Field::CapDrop => f.cap_drop = vec![v],
        Field::Labels => f.labels = vec![v],
        Field::HealthCmd => f.health_cmd = v,
        Field::HealthInterval => f.health_interval = v,
        Field::HealthTimeout => f.health_timeout = v,
        Field::HealthRetries => f.health_retries = v,
        Field::Pid => f.pid = v,
    }
    f
}

/// Good values of each field, one per row.
const GOOD: &[(Field, &str)] = &[
    (Field::Image, "busybox"),
    (Field::Image, "busybox:1.36"),
    (Field::Image, "reg:5000/a/b:1.2"),
    (Field::Image, "localhost/team/app"),
    (Field::Image, "Registry.Example.com/app:v1.0-rc_2"),
    (
        Field::Image,
        "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ),
    (Field::Name, "web-1.a_b"),
    (Field::Command, "sh -c 'echo hi; sleep 1'"),
    (Field::Command, r#"echo "a b" c\ d"#),
    (Field::Entrypoint, "/bin/sh -c"),
    (Field::Ports, "8080:80"),
    (Field::Ports, "127.0.0.1:8080:80/udp"),
    (Field::Ports, "8000-8010:8000-8010"),
    (Field::Ports, "80"),
    (Field::Ports, "[::1]:8080:80"),
    (Field::Ports, "127.0.0.1::80"),
    (Field::Ports, "9000-9010:80"),
    (Field::Ports, "53:53/sctp"),
    (Field::Env, "K=V"),
    (Field::Env, "EMPTY="),
    (Field::Env, "URL=a=b=c"),
    (Field::Mounts, "vol:/data"),
    (Field::Mounts, "/host/dir:/data:ro"),
    (Field::Mounts, "/host/dir:/data:ro,z"),
    (Field::Mounts, "tmpfs:/run"),
    (Field::Mounts, "/data"),
    (Field::Mounts, "type=bind,source=/srv,target=/srv,readonly"),
    (Field::Mounts, "type=volume,src=v1,dst=/v,volume-nocopy"),
    (
        Field::Mounts,
        "type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1777",
    ),
    (Field::Networks, "net"),
    (Field::Networks, "net:alias1,alias2"),
    (Field::Networks, "host"),
    (Field::Networks, "none"),
    (Field::Networks, "container:db"),
    (Field::Restart, "no"),
    (Field::Restart, "always"),
    (Field::Restart, "unless-stopped"),
    (Field::Restart, "on-failure"),
    (Field::Restart, "on-failure:5"),
    (Field::Memory, "512m"),
    (Field::Memory, "1g"),
    (Field::Memory, "1.5G"),
    (Field::Memory, "104857600"),
    (Field::Memory, "64mb"),
    (Field::MemorySwap, "2g"),
    (Field::MemorySwap, "-1"),
    (Field::MemoryReservation, "256m"),
    (Field::Cpus, "1.5"),
    (Field::Cpus, "0.25"),
    (Field::Cpus, "2"),
    (Field::CpuShares, "512"),
    (Field::Cpuset, "0-2,4"),
    (Field::Cpuset, "1"),
    (Field::PidsLimit, "100"),
    (Field::PidsLimit, "-1"),
    (Field::User, "nobody"),
    (Field::User, "1000:1000"),
    (Field::User, "app:staff"),
    (Field::Workdir, "/app"),
    (Field::Hostname, "web.local"),
    (Field::CapAdd, "NET_ADMIN"),
    (Field::CapAdd, "cap_net_raw"),
    (Field::CapDrop, "ALL"),
    (Field::Labels, "k=v"),
    (Field::Labels, "com.example.flag"),
    (Field::HealthCmd, "wget -q -O- localhost || exit 1"),
    (Field::HealthCmd, "none"),
    (Field::HealthInterval, "30s"),
    (Field::HealthInterval, "1m30s"),
    (Field::HealthTimeout, "500ms"),
    (Field::HealthRetries, "3"),
    (Field::Pid, "host"),
];

#[test]
fn every_field_accepts_good_values() {
    for (field, value) in GOOD {
        let f = with(*field, value);
        if let Err(e) = f.parse() {
            panic!("{field:?} {value:?}: {e:?}");
        }
    }
}

/// Bad values: the field the error is on, and words the message must contain.
const BAD: &[(Field, &str, &str)] = &[
    (Field::Image, "", "image is required"),
    (Field::Image, "Busybox", "must be lowercase"),
    (Field::Image, "busy box", "must not contain spaces"),
    (Field::Image, "busybox:", "is not a tag"),
    (Field::Image, "busybox:-x", "is not a tag"),
    (Field::Image, "busybox@sha256:abc", "is not a digest"),
    (Field::Image, "reg:port/app", "is not a host[:port]"),
    (Field::Name, "has space", "invalid container name"),
    (Field::Name, "-x", "invalid container name"),
    (Field::Command, "sh -c 'unclosed", "unclosed quote"),
    (Field::Entrypoint, "\"", "unclosed quote"),
    (Field::Ports, "70000", "port 70000 is out of range 1-65535"),
    (Field::Ports, "8080:70000", "port 70000 is out of range"),
    (Field::Ports, "0:80", "port 0 is out of range"),
    (Field::Ports, "http", "port 'http' is not a number"),
    (
        Field::Ports,
        "80/xyz",
        "protocol 'xyz' is not one of tcp, udp, sctp",
    ),
    (Field::Ports, "1.2.3:80:80", "'1.2.3' is not an IP address"),
    (Field::Ports, "8080:", "needs a container port"),
    (Field::Ports, "8000-8010:80-81", "differ in length"),
    (Field::Ports, "90-80", "ends before it starts"),
    (Field::Ports, "a:b:c:d", "too many ':'"),
    (Field::Env, "JUSTKEY", "needs a value: write JUSTKEY=value"),
    (Field::Env, "=v", "has no name"),
    (Field::Env, "A B=c", "must not contain spaces"),
    (
        Field::EnvFile,
        "/nonexistent/wharf-env-file",
        "cannot be read",
    ),
    (
        Field::Mounts,
        "vol:",
        "needs a target path inside the container",
    ),
    (
        Field::Mounts,
        "x",
        "must be an absolute path inside the container",
    ),
    (Field::Mounts, "vol:data", "must be an absolute path"),
    (
        Field::Mounts,
        "./rel:/data",
        "must be an absolute host path",
    ),
    (Field::Mounts, "/a:/b:rx", "mode 'rx' is not one of"),
    (Field::Mounts, "a:b:c:d", "too many ':'"),
    (Field::Mounts, "tmpfs:/run:ro", "a tmpfs takes no modes"),
    (
        Field::Mounts,
        "type=nfs,target=/x",
        "type 'nfs' is not one of",
    ),
    (
        Field::Mounts,
        "type=bind,source=rel,target=/x",
        "absolute host path",
    ),
    (Field::Mounts, "type=volume,source=v", "needs a target path"),
    (
        Field::Mounts,
        "type=volume,target=/x,color=red",
        "option 'color'",
    ),
    (
        Field::Mounts,
        "type=tmpfs,source=x,target=/x",
        "a tmpfs has no source",
    ),
    (
        Field::Mounts,
        "type=bind,source=/a,target=/b,tmpfs-size=1m",
        "does not apply",
    ),
    (Field::Mounts, "/:/", "cannot be / itself"),
    (Field::Networks, "bad net", "invalid network name"),
    (Field::Networks, "bridge:web", "takes no aliases"),
    (
        Field::Networks,
        "net:bad alias",
        "network alias 'bad alias'",
    ),
    (Field::Networks, "container:", "needs a container name"),
    (
        Field::Restart,
        "sometimes",
        "restart 'sometimes' is not one of no, always, unless-stopped, on-failure[:N]",
    ),
    (
        Field::Restart,
        "on-failure:x",
        "retry count 'x' is not a number",
    ),
    (
        Field::Memory,
        "12q",
        "memory '12q' is not a size (use 512m, 1g, bytes)",
    ),
    (Field::Memory, "m", "is not a size"),
    (Field::Memory, "-5m", "is not a size"),
    (Field::Memory, "99999999999p", "too large"),
    (Field::MemorySwap, "512m", "at least the memory limit"),
    (
        Field::MemorySwap,
        "lots",
        "memory swap 'lots' is not a size",
    ),
    (
        Field::MemoryReservation,
        "2g",
        "must not be above the memory limit",
    ),
    (Field::Cpus, "0", "must be more than 0"),
    (Field::Cpus, "two", "is not a number of CPUs"),
    (Field::Cpus, "0.001", "below the engine's minimum"),
    (Field::CpuShares, "1", "out of range 2-262144"),
    (Field::CpuShares, "x", "is not a number"),
    (Field::Cpuset, "2-0", "ends before it starts"),
    (Field::Cpuset, "0,,1", "is not a list of CPUs"),
    (Field::PidsLimit, "0", "must be a positive number, or -1"),
    (Field::PidsLimit, "many", "is not a number"),
    (Field::User, "a b", "is not a user"),
    (Field::User, "a:b:c", "is not a user"),
    (Field::Workdir, "app", "must be an absolute path"),
    (Field::Hostname, "-bad", "is not a host name"),
    (Field::Hostname, "a..b", "is not a host name"),
    (
        Field::CapAdd,
        "FLY",
        "capability 'FLY' is not a Linux capability",
    ),
    (Field::CapDrop, "CAP_", "is not a Linux capability"),
    (Field::Labels, "=v", "has no key"),
    (
        Field::HealthInterval,
        "30",
        "is not a duration (use 30s, 1m30s, 500ms)",
    ),
    (Field::HealthTimeout, "1x", "is not a duration"),
    (Field::HealthRetries, "-1", "is not a number"),
    (Field::Pid, "container", "not a pid mode"),
];

#[test]
fn every_field_refuses_bad_values_precisely() {
    for (field, value, words) in BAD {
        let errs = errors(&with(*field, value));
        assert_eq!(errs.len(), 1, "{field:?} {value:?}: {errs:?}");
        let e = &errs[0];
        assert_eq!(e.field, *field, "{value:?}: {e:?}");
        assert!(
            e.message.contains(words),
            "{field:?} {value:?}: {:?} lacks {words:?}",
            e.message
        );
    }
}

#[test]
fn every_field_has_good_and_bad_rows() {
    // A new field without rows in both tables fails here.
    let all = [
        Field::Image,
        Field::Name,
        Field::Command,
        Field::Entrypoint,
        Field::Ports,
        Field::Env,
        Field::EnvFile,
        Field::Mounts,
        Field::Networks,
        Field::Restart,
        Field::Memory,
        Field::MemorySwap,
        Field::MemoryReservation,
        Field::Cpus,
        Field::CpuShares,
        Field::Cpuset,
        Field::PidsLimit,
        Field::User,
        Field::Workdir,
        Field::Hostname,
        Field::CapAdd,
        Field::CapDrop,
        Field::Labels,
        Field::HealthCmd,
        Field::HealthInterval,
        Field::HealthTimeout,
        Field::HealthRetries,
        Field::Pid,
    ];
    for f in all {
        // The env file's good rows are in `env_file_lines` (they need a file).
        assert!(
            f == Field::EnvFile || GOOD.iter().any(|(g, _)| *g == f),
            "no good row for {f:?}"
        );
        assert!(
            f == Field::HealthCmd || BAD.iter().any(|(b, _, _)| *b == f),
            "no bad row for {f:?}"
        );
    }
}

#[test]
fn all_errors_are_reported_at_once_with_their_entry() {
    let f = RunForm {
        image: "".into(),
        ports: vec!["8080:80".into(), "".into(), "70000".into()],
        memory: "12q".into(),
        env: vec!["OK=1".into(), "NOPE".into()],
        restart: "sometimes".into(),
        ..Default::default()
    };
    let errs = errors(&f);
    let placed: Vec<(Field, Option<usize>)> = errs.iter().map(|e| (e.field, e.entry)).collect();
    assert_eq!(
        placed,
        vec![
            (Field::Image, None),
            (Field::Ports, Some(2)),
            (Field::Env, Some(1)),
            (Field::Restart, None),
            (Field::Memory, None),
        ]
    );
}

#[test]
fn cross_field_rules() {
    let e = errors(&with(Field::Memory, "1k"));
    assert_eq!(
        e[0].message,
        "memory '1k' is below the engine's minimum of 6m"
    );
    plan(&with(Field::Memory, "6m"));

    for mode in ["host", "container:db"] {
        let mut f = form("busybox");
        f.networks = vec![mode.into()];
        f.hostname = "web".into();
        f.ports = vec!["8080:80".into()];
        let e = errors(&f);
        let fields: Vec<Field> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Hostname, Field::Ports], "{mode}: {e:?}");
    }

    let mut f = form("busybox");
    f.auto_remove = true;
    f.restart = "always".into();
    assert_eq!(errors(&f)[0].field, Field::Restart);
    f.restart = "no".into();
    plan(&f);

    let mut f = form("busybox");
    f.memory_swap = "1g".into();
    assert!(errors(&f)[0].message.contains("needs a memory limit"));

    let mut f = form("busybox");
    f.networks = vec!["host".into(), "net".into()];
    assert!(errors(&f)[0]
        .message
        .contains("host cannot be combined with other networks"));

    let mut f = form("busybox");
    f.mounts = vec!["a:/data".into(), "/x:/data".into()];
    let e = errors(&f);
    assert_eq!((e[0].field, e[0].entry), (Field::Mounts, Some(1)));

    let mut f = form("busybox");
    f.health_cmd = "none".into();
    f.health_interval = "5s".into();
    assert_eq!(errors(&f)[0].field, Field::HealthCmd);
}

#[test]
fn values_are_typed() {
    let mut f = form("reg:5000/a/b:1.2");
    f.ports = vec![
        "127.0.0.1:8080:80/udp".into(),
        "8000-8001:9000-9001".into(),
        "80".into(),
    ];
    f.memory = "1.5g".into();
    f.memory_swap = "-1".into();
    f.cpus = "1.5".into();
    f.cap_add = vec!["cap_net_admin".into(), "NET_ADMIN".into()];
    f.restart = "on-failure:5".into();
    f.health_interval = "1m30s".into();
    f.networks = vec!["net:a, b".into()];
    f.command = "sh -c 'echo hi'".into();
    let p = plan(&f);
    assert_eq!(p.image.repository, "reg:5000/a/b");
    assert_eq!(p.image.tag.as_deref(), Some("1.2"));
    assert_eq!(p.ports.len(), 4);
    assert_eq!(p.ports[0].host_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(p.ports[0].protocol, Protocol::Udp);
    assert_eq!(
        (p.ports[2].host_ports, p.ports[2].container_port),
        (
            Some(PortRange {
                start: 8001,
                end: 8001
            }),
            9001
        )
    );
    assert_eq!(p.ports[3].host_ports, None);
    assert_eq!(p.memory, Some(3 << 29));
    assert_eq!(p.memory_swap, Some(-1));
    assert_eq!(p.nano_cpus, Some(1_500_000_000));
    assert_eq!(p.cap_add, vec!["NET_ADMIN"]);
    assert_eq!(
        p.restart,
        Some(RestartPolicy::OnFailure {
            max_retries: Some(5)
        })
    );
    assert_eq!(p.health.and_then(|h| h.interval_ms), Some(90_000));
    assert_eq!(p.networks[0].aliases, vec!["a", "b"]);
    assert_eq!(
        p.command,
        Some(vec!["sh".into(), "-c".into(), "echo hi".into()])
    );
}

#[test]
fn env_file_lines() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("app.env");
    std::fs::write(&path, "# comment\n\nA=1\r\n  B=two words\nC=\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut f = form("busybox");
    f.env = vec!["FIRST=0".into()];
    f.env_file = path.display().to_string();
    let p = plan(&f);
    let env: Vec<(&str, &str)> = p
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        env,
        vec![("FIRST", "0"), ("A", "1"), ("B", "two words"), ("C", "")]
    );

    // A bare key is an error naming the file and line: Wharf does not copy its own env.
    std::fs::write(&path, "A=1\nHOME\n").unwrap_or_else(|e| panic!("{e}"));
    let e = errors(&f);
    assert_eq!((e[0].field, e[0].entry), (Field::EnvFile, Some(1)));
    assert!(e[0].message.contains("line 2"), "{}", e[0].message);
    assert!(e[0].message.contains("HOME=value"), "{}", e[0].message);
}

/// A form with every field set, valid.
fn full_form() -> RunForm {
    RunForm {
        image: "busybox:1.36".into(),
        name: "web".into(),
        command: "sh -c 'echo \"hi there\"; sleep 1000'".into(),
        entrypoint: "/bin/env --".into(),
        ports: vec![
            "127.0.0.1:8080:80/udp".into(),
            "9000-9001:90-91".into(),
            "7000".into(),
        ],
        publish_all: true,
        env: vec!["A=1".into(), "QUOTE=it's $HOME".into()],
        env_file: String::new(),
        mounts: vec![
            "data:/data".into(),
            "/srv/site:/site:ro,z".into(),
            "tmpfs:/run".into(),
            "/anon".into(),
            "type=bind,source=/etc/hosts,target=/h,readonly,bind-propagation=rprivate".into(),
        ],
        networks: vec!["front:web,www".into(), "back".into()],
        restart: "on-failure:5".into(),
        memory: "512m".into(),
        memory_swap: "1g".into(),
        memory_reservation: "256m".into(),
        cpus: "1.25".into(),
        cpu_shares: "512".into(),
        cpuset: "0-1".into(),
        pids_limit: "100".into(),
        user: "1000:1000".into(),
        workdir: "/work dir".into(),
        hostname: "web.local".into(),
        cap_add: vec!["NET_ADMIN".into()],
        cap_drop: vec!["ALL".into()],
        privileged: false,
        read_only: true,
        auto_remove: false,
        labels: vec!["a=b c".into(), "flag".into()],
        health_cmd: "wget -q -O- http://localhost/ || exit 1".into(),
        health_interval: "1m30s".into(),
        health_timeout: "500ms".into(),
        health_retries: "3".into(),
        pid: "host".into(),
    }
}

/// The `docker run` arguments read back into a form: the flags `args` writes, the image, and
/// the rest as the command (the entrypoint's further words come back as the command's first
/// words, as the CLI would pass them).
fn form_from_args(args: &[String]) -> RunForm {
    let mut f = RunForm::default();
    let mut it = args.iter();
    let q = |w: &[String]| shlex::try_join(w.iter().map(String::as_str)).unwrap_or_default();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "-d" => {}
            "--name" => f.name = val(),
            "--rm" => f.auto_remove = true,
            "-p" => f.ports.push(val()),
            "-P" => f.publish_all = true,
            "-e" => f.env.push(val()),
            "-v" | "--mount" => f.mounts.push(val()),
            "--tmpfs" => f.mounts.push(format!("tmpfs:{}", val())),
            "--network" => f.networks.push(val()),
            "--network-alias" => {
                let al = val();
                if let Some(n) = f.networks.last_mut() {
                    n.push(if n.contains(':') { ',' } else { ':' });
                    n.push_str(&al);
                }
            }
            "--restart" => f.restart = val(),
            "--memory" => f.memory = val(),
            "--memory-swap" => f.memory_swap = val(),
            "--memory-reservation" => f.memory_reservation = val(),
            "--cpus" => f.cpus = val(),
            "--cpu-shares" => f.cpu_shares = val(),
            "--cpuset-cpus" => f.cpuset = val(),
            "--pids-limit" => f.pids_limit = val(),
            "--user" => f.user = val(),
            "--workdir" => f.workdir = val(),
            "--hostname" => f.hostname = val(),
            "--cap-add" => f.cap_add.push(val()),
            "--cap-drop" => f.cap_drop.push(val()),
            "--privileged" => f.privileged = true,
            "--read-only" => f.read_only = true,
            "--label" => f.labels.push(val()),
            "--health-cmd" => f.health_cmd = val(),
            "--no-healthcheck" => f.health_cmd = "none".into(),
            "--health-interval" => f.health_interval = val(),
            "--health-timeout" => f.health_timeout = val(),
            "--health-retries" => f.health_retries = val(),
            "--pid" => f.pid = val(),
            "--entrypoint" => f.entrypoint = val(),
            image => {
                f.image = image.to_owned();
                let rest: Vec<String> = it.by_ref().cloned().collect();
                f.command = q(&rest);
                break;
            }
        }
    }
    f
}

#[test]
fn docker_run_splits_back_into_the_same_arguments_and_plan() {
    let p = plan(&full_form());
    let line = p.docker_run();
    let words = shlex::split(&line).unwrap_or_else(|| panic!("unsplittable: {line}"));
    let args = p.docker_run_args();
    assert_eq!(words[..2], ["docker", "run"]);
    assert_eq!(words[2..], args[..], "{line}");

    // The arguments mean the same container: read back, they parse to the same plan except
    // for how the entrypoint's words are split between entrypoint and command.
    let mut back = plan(&form_from_args(&args));
    let mut want = p.clone();
    let ep = want.entrypoint.take().unwrap_or_default();
    let mut cmd = ep[1..].to_vec();
    cmd.extend(want.command.take().unwrap_or_default());
    want.entrypoint = Some(ep[..1].to_vec());
    want.command = Some(cmd);
    back.mounts.sort_by(|a, b| a.target.cmp(&b.target));
    want.mounts.sort_by(|a, b| a.target.cmp(&b.target));
    // The CLI has no flag for a second network's aliases: Wharf connects it after create.
    want.networks[1].aliases.clear();
    assert_eq!(back, want, "{line}");
}

#[test]
fn docker_run_quotes_for_a_shell() {
    let mut f = form("busybox");
    f.name = "web".into();
    f.ports = vec!["8080:80".into()];
    f.env = vec!["MSG=it's a 'test'".into()];
    f.command = "sh -c 'echo hi'".into();
    assert_eq!(
        plan(&f).docker_run(),
        r#"docker run -d --name web -p 8080:80/tcp -e "MSG=it's a 'test'" busybox sh -c 'echo hi'"#
    );
}

#[test]
fn preview_shows_errors_or_findings_and_line() {
    let p = preview(&with(Field::Memory, "12q"));
    assert_eq!(p.errors.len(), 1);
    assert!(p.docker_run.is_none() && p.findings.is_empty());

    let mut f = form("busybox");
    f.privileged = true;
    f.ports = vec!["8080:80".into()];
    let p = preview(&f);
    assert!(p.errors.is_empty());
    assert!(p
        .docker_run
        .as_deref()
        .is_some_and(|l| l.contains("--privileged")));
    let checks: Vec<_> = p.findings.iter().map(|f| f.check).collect();
    use crate::rules::findings::Check;
    for c in [
        Check::Privileged,
        Check::PortsOnAllInterfaces,
        Check::NoMemoryLimit,
        Check::LatestOrUntaggedImage,
    ] {
        assert!(checks.contains(&c), "{c:?} missing from {checks:?}");
    }
}

fn any_form() -> impl Strategy<Value = RunForm> {
    let s = || any::<String>();
    let l = || proptest::collection::vec(any::<String>(), 0..3);
    // Strings close to the syntax find more paths than uniform noise.
    let near = || "[a-z0-9:/.,=@-]{0,24}";
    (
        (s(), near(), s(), s(), l(), any::<bool>(), l(), near()),
        (
            proptest::collection::vec(near(), 0..3),
            proptest::collection::vec(near(), 0..3),
            near(),
            near(),
            near(),
            near(),
            near(),
            near(),
        ),
        (
            near(),
            near(),
            s(),
            s(),
            l(),
            l(),
            l(),
            s(),
            near(),
            near(),
            near(),
            near(),
        ),
    )
        .prop_map(
            |(
                (image, name, command, entrypoint, ports, publish_all, env, env_file),
                (
                    mounts,
                    networks,
                    restart,
                    memory,
                    memory_swap,
                    memory_reservation,
                    cpus,
                    cpu_shares,
                ),
                (
                    cpuset,
                    pids_limit,
                    user,
                    workdir,
                    cap_add,
                    cap_drop,
                    labels,
                    health_cmd,
                    health_interval,
                    health_timeout,
                    health_retries,
                    pid,
                ),
            )| RunForm {
                image,
                name,
                command,
                entrypoint,
                ports,
                publish_all,
                env,
                // Never a real path: only what exists by chance would be read.
                env_file: if env_file.is_empty() {
                    String::new()
                } else {
                    format!("/nonexistent/{env_file}")
                },
                mounts,
                networks,
                restart,
                memory,
                memory_swap,
                memory_reservation,
                cpus,
                cpu_shares,
                cpuset,
                pids_limit,
                user,
                workdir,
                hostname: String::new(),
                cap_add,
                cap_drop,
                privileged: false,
                read_only: false,
                auto_remove: false,
                labels,
                health_cmd,
                health_interval,
                health_timeout,
                health_retries,
                pid,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// No input panics; a valid form's line splits back into its arguments.
    #[test]
    fn parse_never_panics(f in any_form()) {
        let p = preview(&f);
        if let Some(line) = p.docker_run {
            let plan = f.parse().unwrap_or_else(|e| panic!("{e:?}"));
            let words = shlex::split(&line).unwrap_or_default();
            prop_assert_eq!(&words[2..], &plan.docker_run_args()[..]);
        }
    }

    #[test]
    fn each_field_parser_never_panics(v in any::<String>()) {
        for field in [Field::Image, Field::Ports, Field::Mounts, Field::Networks, Field::Memory,
            Field::Cpus, Field::Cpuset, Field::HealthInterval, Field::Hostname, Field::Command,
            Field::User, Field::Restart, Field::PidsLimit, Field::Labels, Field::Env] {
            let _ = preview(&with(field, &v));
        }
    }
}

/// Valid forms whose free text (command words, env and label values, health command) is
/// arbitrary: what the `docker run` line must quote.
fn valid_form() -> impl Strategy<Value = RunForm> {
    let text = || "[^\0]{0,12}";
    (
        "[a-z][a-z0-9]{0,6}(:[a-z0-9][a-z0-9.-]{0,4})?",
        proptest::collection::vec("[^\0]{1,8}", 1..4),
        proptest::collection::vec(("[A-Z_][A-Z0-9_]{0,5}", text()), 0..3),
        proptest::collection::btree_map("[a-z][a-z.]{0,5}", text(), 0..3),
        "[^\0]{0,16}",
        proptest::option::of(1u16..=65535),
        any::<bool>(),
    )
        .prop_map(
            |(image, words, env, labels, health, port, publish_all)| RunForm {
                image,
                command: shlex::try_join(words.iter().map(String::as_str)).unwrap_or_default(),
                env: env.into_iter().map(|(k, v)| format!("{k}={v}")).collect(),
                labels: labels
                    .into_iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect(),
                health_cmd: health,
                ports: port
                    .map(|p| format!("127.0.0.1:{p}:80"))
                    .into_iter()
                    .collect(),
                publish_all,
                ..Default::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Whatever the free text, the line splits into the plan's arguments, and those
    /// arguments mean the same plan.
    #[test]
    fn docker_run_round_trips_any_text(f in valid_form()) {
        // Entries are trimmed by the form, so compare with what the form means.
        let plan = f.parse().unwrap_or_else(|e| panic!("{f:?}: {e:?}"));
        let line = plan.docker_run();
        let words = shlex::split(&line).unwrap_or_default();
        prop_assert_eq!(&words[2..], &plan.docker_run_args()[..]);
        let back = form_from_args(&plan.docker_run_args())
            .parse()
            .unwrap_or_else(|e| panic!("{line}: {e:?}"));
        prop_assert_eq!(back, plan, "{}", line);
    }
}
