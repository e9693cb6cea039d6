//! The address of the real client, for sign-in limits and the audit log.
//!
//! Behind a reverse proxy every request comes from the proxy's address, so
//! a limit keyed by the TCP peer would lock out everyone at once. The
//! forwarding headers are believed only when the peer is a configured
//! trusted proxy (`FAIRCHANCE_TRUSTED_PROXIES`); anyone else could write
//! them. The chain is read from the right, skipping trusted proxies: the
//! first address that is not one is the client.

use std::net::IpAddr;

use ipnet::IpNet;

/// One `for=` node of `Forwarded` (RFC 7239) or one `X-Forwarded-For` entry,
/// without quotes, brackets or port.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    // IPv4 with a port.
    let (host, _) = node.rsplit_once(':')?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The `for=` values of a `Forwarded` header, first hop first.
fn forwarded_for(header: &str) -> Vec<String> {
    header
        .split(',')
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().to_string())
            })
        })
        .collect()
}

/// The client's address given the TCP peer and the forwarding headers
/// (`Forwarded` preferred over `X-Forwarded-For` when both are present).
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded: Option<&str>,
    x_forwarded_for: Option<&str>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let chain: Vec<String> = match (forwarded, x_forwarded_for) {
        (Some(f), _) => forwarded_for(f),
        (None, Some(x)) => x.split(',').map(|s| s.trim().to_string()).collect(),
        (None, None) => Vec::new(),
    };
    let mut client = peer;
    for node in chain.iter().rev() {
        // An entry that is not an address (obfuscated, "unknown", garbage)
        // ends the walk: the last trusted hop is as far as we can see.
        let Some(ip) = parse_node(node) else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

pub use crate::config::parse_trusted;

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let trusted = parse_trusted("10.0.0.0/8").unwrap();
        assert_eq!(
            client_ip(ip("203.0.113.9"), None, Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), None, Some("1.2.3.4"), &[]),
            ip("10.0.0.1"),
            "no proxy is trusted by default"
        );
    }

    #[test]
    fn the_rightmost_untrusted_address_is_the_client() {
        let trusted = parse_trusted("10.0.0.0/8, 192.168.1.1").unwrap();
        // A client that writes its own X-Forwarded-For cannot pick its key.
        assert_eq!(
            client_ip(
                ip("10.0.0.1"),
                None,
                Some("6.6.6.6, 198.51.100.7, 192.168.1.1"),
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(
                ip("10.0.0.1"),
                Some(r#"for=6.6.6.6, for="[2001:db8::1]:4711";proto=https"#),
                Some("9.9.9.9"),
                &trusted
            ),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(
                ip("10.0.0.1"),
                Some("for=198.51.100.7:8080"),
                None,
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), None, Some("unknown"), &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), None, None, &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn bad_lists_are_refused() {
        assert!(parse_trusted("10.0.0.0/33").is_err());
        assert!(parse_trusted("proxy.local").is_err());
        assert_eq!(parse_trusted("").unwrap().len(), 0);
        assert_eq!(parse_trusted("::1 127.0.0.1").unwrap().len(), 2);
    }
}
