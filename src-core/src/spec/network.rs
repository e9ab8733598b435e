//! Network creation options as typed by the user ([`NetworkForm`]: subnet, gateway, IP range,
//! driver options, attachable, labels) and the typed [`NetworkPlan`] they parse into, each
//! problem with a precise message: "subnet '10.0.0.0/33' is not a CIDR", "gateway 10.1.0.1
//! is outside subnet 10.2.0.0/16". Nothing reaches the engine unless the whole form is valid.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// What the user typed beside the name, driver and `internal`; blank = the engine's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct NetworkForm {
    /// `10.1.0.0/16` or `fd00::/64`.
    pub subnet: String,
    /// An address inside the subnet.
    pub gateway: String,
    /// A CIDR inside the subnet to allocate container addresses from.
    pub ip_range: String,
    /// Driver options, `k=v` (`com.docker.network.bridge.name=br-x`).
    pub options: Vec<String>,
    /// Containers can be attached by hand (swarm overlay networks).
    pub attachable: bool,
    /// `k=v` (or `k`).
    pub labels: Vec<String>,
}

/// A parsed CIDR: `address/prefix`, the address as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl Cidr {
    fn parse(s: &str) -> Option<Cidr> {
        let (a, p) = s.split_once('/')?;
        let addr: IpAddr = a.parse().ok()?;
        let prefix: u8 = p.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// Whether `ip` is inside this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> (u128, u32) {
            match ip {
                IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
                IpAddr::V6(v) => (u128::from(v), 128),
            }
        };
        let ((net, w1), (x, w2)) = (bits(self.addr), bits(ip));
        if w1 != w2 {
            return false;
        }
        let host_bits = w1 - u32::from(self.prefix);
        let mask = if host_bits >= 128 {
            0
        } else {
            (u128::MAX << host_bits) & (u128::MAX >> (128 - w1))
        };
        net & mask == x & mask
    }
}

/// The typed options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPlan {
    pub subnet: Option<Cidr>,
    pub gateway: Option<IpAddr>,
    pub ip_range: Option<Cidr>,
    pub options: BTreeMap<String, String>,
    pub attachable: bool,
    pub labels: BTreeMap<String, String>,
}

fn pairs(what: &str, list: &[String], errors: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let (k, v) = e.split_once('=').unwrap_or((e, ""));
        if k.trim().is_empty() {
            errors.push(format!("{what} '{e}' has no key: use key=value"));
        } else {
            out.insert(k.trim().to_owned(), v.to_owned());
        }
    }
    out
}

impl NetworkForm {
    /// Every problem (one message each), or the plan.
    pub fn parse(&self) -> Result<NetworkPlan, Vec<String>> {
        let mut errors = Vec::new();
        let cidr = |what: &str, s: &str, errors: &mut Vec<String>| {
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            let c = Cidr::parse(t);
            if c.is_none() {
                errors.push(format!(
                    "{what} '{t}' is not a CIDR (address/prefix, e.g. 10.1.0.0/16)"
                ));
            }
            c
        };
        let subnet = cidr("subnet", &self.subnet, &mut errors);
        let ip_range = cidr("ip range", &self.ip_range, &mut errors);
        let gateway = match self.gateway.trim() {
            "" => None,
            g => match g.parse::<IpAddr>() {
                Ok(ip) => Some(ip),
                Err(_) => {
                    errors.push(format!("gateway '{g}' is not an IP address"));
                    None
                }
            },
        };
        match (subnet, gateway) {
            (Some(s), Some(g)) if !s.contains(g) => {
                errors.push(format!("gateway {g} is outside subnet {s}"))
            }
            (None, Some(_)) if self.subnet.trim().is_empty() => {
                errors.push("a gateway needs a subnet".into())
            }
            _ => {}
        }
        match (subnet, ip_range) {
            (Some(s), Some(r)) if !s.contains(r.addr) || r.prefix < s.prefix => {
                errors.push(format!("ip range {r} is outside subnet {s}"))
            }
            (None, Some(_)) if self.subnet.trim().is_empty() => {
                errors.push("an ip range needs a subnet".into())
            }
            _ => {}
        }
        let options = pairs("driver option", &self.options, &mut errors);
        let labels = pairs("label", &self.labels, &mut errors);
        if errors.is_empty() {
            Ok(NetworkPlan {
                subnet,
                gateway,
                ip_range,
                options,
                attachable: self.attachable,
                labels,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(subnet: &str, gateway: &str, ip_range: &str) -> NetworkForm {
        NetworkForm {
            subnet: subnet.into(),
            gateway: gateway.into(),
            ip_range: ip_range.into(),
            ..Default::default()
        }
    }

    #[test]
    fn good() {
        for (s, g, r) in [
            ("10.1.0.0/16", "10.1.0.1", "10.1.5.0/24"),
            ("10.1.0.0/16", "", ""),
            ("fd00:1::/64", "fd00:1::1", ""),
            ("", "", ""),
            ("192.168.7.0/24", "192.168.7.254", "192.168.7.128/25"),
        ] {
            assert!(form(s, g, r).parse().is_ok(), "{s} {g} {r}");
        }
    }

    #[test]
    fn bad() {
        for (s, g, r, want) in [
            ("10.0.0.0/33", "", "", "subnet '10.0.0.0/33' is not a CIDR"),
            ("10.0.0.0", "", "", "subnet '10.0.0.0' is not a CIDR"),
            (
                "10.2.0.0/16",
                "10.1.0.1",
                "",
                "gateway 10.1.0.1 is outside subnet 10.2.0.0/16",
            ),
            (
                "10.2.0.0/16",
                "10.2.0.x",
                "",
                "gateway '10.2.0.x' is not an IP address",
            ),
            ("", "10.1.0.1", "", "a gateway needs a subnet"),
            (
                "10.2.0.0/16",
                "",
                "10.3.0.0/24",
                "ip range 10.3.0.0/24 is outside subnet 10.2.0.0/16",
            ),
            (
                "10.2.0.0/16",
                "",
                "10.0.0.0/8",
                "ip range 10.0.0.0/8 is outside subnet 10.2.0.0/16",
            ),
            (
                "fd00::/64",
                "10.0.0.1",
                "",
                "gateway 10.0.0.1 is outside subnet fd00::/64",
            ),
        ] {
            let e = form(s, g, r)
                .parse()
                .err()
                .unwrap_or_else(|| panic!("{s} {g} {r}"));
            assert!(e.iter().any(|m| m.starts_with(want)), "{s} {g} {r}: {e:?}");
        }
        let e = NetworkForm {
            options: vec!["=x".into()],
            ..Default::default()
        }
        .parse()
        .err()
        .unwrap_or_default();
        assert_eq!(e, ["driver option '=x' has no key: use key=value"]);
    }
}
