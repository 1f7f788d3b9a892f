"""The libtorrent side of the mainline testnet benchmark (issue #7): N libtorrent DHT nodes in this process on
127.0.0.1, bootstrapped from each other, then BEP44 puts and gets from random nodes, timed the way
MainlineTestnetBenchmark times ours, so both can be measured minutes apart on the same machine.

Run with Debian's interpreter (python3-libtorrent): /usr/bin/python3 bench/libtorrent-testnet.py [nodes] [ops]
Prints what it measures, one figure a line. Loopback only; every wait is bounded in time; the sessions are
closed before exit.
"""
import hashlib
import os
import random
import socket
import statistics
import struct
import sys
import time

import libtorrent as lt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

BASE_PORT = 42000
ALERTS = lt.alert_category.dht | lt.alert_category.dht_operation | lt.alert_category.error
# request counters: what a node sends as the querying side (responses are counted apart, as *_in)
REQUESTS_OUT = ('dht.dht_get_out', 'dht.dht_put_out', 'dht.dht_find_node_out', 'dht.dht_get_peers_out',
                'dht.dht_ping_out', 'dht.dht_announce_peer_out', 'dht.dht_sample_infohashes_out')


def settings(port):
    """What libtorrent 2.0.8 needs for a DHT on 127.0.0.1 (why each one: dht-mainline/src/test/python/lt_node.py)."""
    return {
        'listen_interfaces': '127.0.0.1:%d' % port,
        'listen_system_port_fallback': False,
        'max_retry_port_bind': 0,
        'enable_dht': False,
        'dht_bootstrap_nodes': '',
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_ip_notifier': False,
        'dht_restrict_routing_ips': False,
        'dht_restrict_search_ips': False,
        'dht_enforce_node_id': False,
        'dht_prefer_verified_node_ids': False,
        'dht_ignore_dark_internet': False,
        'dht_block_ratelimit': 1000000,
        'dht_upload_rate_limit': 100000000,
        'alert_mask': ALERTS,
        'alert_queue_size': 10000,
    }


def start_session(port, bootstrap_ports):
    # bootstrap nodes in the saved DHT state go into the routing table and start a bootstrap lookup
    state = {b'nodes': [socket.inet_aton('127.0.0.1') + struct.pack('>H', p) for p in bootstrap_ports]}
    params = lt.read_session_params(lt.bencode({b'dht state': state}))
    params.settings = settings(port)
    session = lt.session(params)
    session.apply_settings({'enable_dht': True})
    return session


def wait_for(session, kind, timeout, accept=lambda alert: True):
    """@return the first alert of this kind that accept() takes, or None after timeout seconds"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.wait_for_alert(int(max(1, (deadline - time.monotonic()) * 1000)))
        for alert in session.pop_alerts():
            if isinstance(alert, kind) and accept(alert):
                return alert
    return None


def requests_sent(sessions):
    """@return the requests every session sent so far (the REQUESTS_OUT counters, summed)"""
    for s in sessions:
        s.post_session_stats()
    total = 0
    for s in sessions:
        alert = wait_for(s, lt.session_stats_alert, 5.0)
        if alert is not None:
            total += sum(alert.values.get(name, 0) for name in REQUESTS_OUT)
    return total


def rss_bytes():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def expanded_secret(seed):
    """libtorrent's put takes the 64-byte expanded secret (RFC 8032 §5.1.5 steps 1-2)."""
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return bytes(h)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    operations = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    rng = random.Random(42)
    rss_before = rss_bytes()
    started = time.monotonic()
    sessions = []
    try:
        for i in range(size):
            # each node bootstraps from up to 3 random running nodes, as LocalTestnet does
            boot = [BASE_PORT + j for j in rng.sample(range(i), min(3, i))]
            sessions.append(start_session(BASE_PORT + i, boot))
        pending = [s for s in sessions[1:]]
        deadline = time.monotonic() + 120
        while pending and time.monotonic() < deadline:
            pending = [s for s in pending if wait_for(s, lt.dht_bootstrap_alert, 0.001) is None]
        print('libtorrent %s: %d nodes started in %.2f s (%d did not report bootstrapped)'
              % (lt.__version__, size, time.monotonic() - started, len(pending)), flush=True)
        print('process RSS %.1f MB -> %.1f MB = %.3f MB per node'
              % (rss_before / 1e6, rss_bytes() / 1e6, (rss_bytes() - rss_before) / 1e6 / size), flush=True)

        def put(index, seed, salt, value):
            session = sessions[index]
            public_key = lt_public_key(seed)
            start = time.monotonic()
            session.dht_put_mutable_item(expanded_secret(seed), public_key, value, salt)
            alert = wait_for(session, lt.dht_put_alert, 30.0)
            return (time.monotonic() - start) * 1000, alert

        def get(index, public_key, salt):
            session = sessions[index]
            start = time.monotonic()
            session.dht_get_mutable_item(public_key, salt)
            alert = wait_for(session, lt.dht_mutable_item_alert, 30.0, lambda a: a.authoritative)
            return (time.monotonic() - start) * 1000, alert

        def run_pass():
            seeds = [os.urandom(32) for _ in range(operations)]
            put_ms, get_ms, acks, found = [], [], [], 0
            before = requests_sent(sessions)
            for i, seed in enumerate(seeds):
                ms, alert = put(rng.randrange(size), seed, b'salt', b'benchmark value %d' % i)
                put_ms.append(ms)
                acks.append(alert.num_success if alert is not None else 0)
            middle = requests_sent(sessions)
            for seed in seeds:
                ms, alert = get(rng.randrange(size), lt_public_key(seed), b'salt')
                get_ms.append(ms)
                found += 1 if has_item(alert) else 0
            after = requests_sent(sessions)
            return put_ms, get_ms, acks, found, (middle - before) / operations, (after - middle) / operations

        warm_up = time.monotonic()
        cold = run_pass()
        for _ in range(2):
            run_pass()
        print('warm-up: 3 passes in %.1f s; the first: put median %.2f ms, get median %.2f ms'
              % (time.monotonic() - warm_up, statistics.median(cold[0]), statistics.median(cold[1])), flush=True)
        put_ms, get_ms, acks, found, put_requests, get_requests = run_pass()
        print('put: median %.2f ms, p90 %.2f ms, max %.2f ms; requests sent per put (all nodes) %.1f; acks median %d'
              % (statistics.median(put_ms), pct(put_ms, 90), max(put_ms), put_requests, statistics.median(acks)))
        print('get: median %.2f ms, p90 %.2f ms, max %.2f ms; requests sent per get (all nodes) %.1f; found %d/%d'
              % (statistics.median(get_ms), pct(get_ms, 90), max(get_ms), get_requests, found, operations))
        print('load average %.1f' % os.getloadavg()[0], flush=True)
    finally:
        for s in sessions:
            s.pause()
        del sessions[:]


_PUBLIC_KEYS = {}


def lt_public_key(seed):
    """The Ed25519 public key of a seed (cached: puts and gets share keys); the binding has no key derivation."""
    if seed not in _PUBLIC_KEYS:
        _PUBLIC_KEYS[seed] = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
            Encoding.Raw, PublicFormat.Raw)
    return _PUBLIC_KEYS[seed]


def has_item(alert):
    """@return true if a dht_mutable_item_alert carries an item (its item raises when none was found)"""
    try:
        return alert is not None and alert.item is not None and len(bytes(alert.signature)) == 64 \
            and any(bytes(alert.signature))
    except RuntimeError:
        return False


if __name__ == '__main__':
    main()
