"""The libtorrent side of the mainline testnet benchmark (issue #7): N libtorrent DHT nodes in this process on
127.0.0.1, bootstrapped from each other, then BEP44 puts and gets from random nodes, timed the way
MainlineTestnetBenchmark times ours, so both can be measured minutes apart on the same machine.

Run with Debian's interpreter (python3-libtorrent): /usr/bin/python3 bench/libtorrent-testnet.py [nodes] [ops] [dead]
Prints what it measures, one figure a line. Loopback only; every wait is bounded in time; the sessions are
closed before exit.

With a dead fraction (e.g. 0.3, as DeadNodesDhtBenchmark's dead=0.3): after the measured pass, ops items are put,
then that fraction of the nodes goes silent, and the pass runs again from the nodes that answer, followed by gets of
the items put before the silence. A silenced node's session is destroyed (its socket closed) and its UDP port is at
once bound again by a socket that is never read: queries to it get no reply, no error and no ICMP port-unreachable
(which a closed loopback port would send, and which libtorrent takes as the node being gone).
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
    dead = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    if not 0 <= dead < 1:
        sys.exit('dead fraction must be at least 0 and below 1, got %s' % sys.argv[3])
    black_holes = []
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

        def get(index, public_key, salt, first_item_ms=None):
            """@return ms until the authoritative answer, and its alert; appends to first_item_ms the ms until the
            first alert carrying the item (libtorrent posts one as each newer item arrives), or nothing if none"""
            session = sessions[index]
            start = time.monotonic()
            first = []

            def authoritative(alert):
                if not first and has_item(alert):
                    first.append((time.monotonic() - start) * 1000)
                return alert.authoritative
            session.dht_get_mutable_item(public_key, salt)
            alert = wait_for(session, lt.dht_mutable_item_alert, 30.0, authoritative)
            if first_item_ms is not None:
                first_item_ms.extend(first)
            return (time.monotonic() - start) * 1000, alert

        def run_pass(pool=None):
            """puts and gets from random sessions of pool (default: all); requests are counted over pool"""
            pool = list(range(size)) if pool is None else pool
            live = [sessions[i] for i in pool]
            seeds = [os.urandom(32) for _ in range(operations)]
            put_ms, get_ms, acks, found, first_ms = [], [], [], 0, []
            before = requests_sent(live)
            for i, seed in enumerate(seeds):
                ms, alert = put(rng.choice(pool), seed, b'salt', b'benchmark value %d' % i)
                put_ms.append(ms)
                acks.append(alert.num_success if alert is not None else 0)
            middle = requests_sent(live)
            for seed in seeds:
                ms, alert = get(rng.choice(pool), lt_public_key(seed), b'salt', first_ms)
                get_ms.append(ms)
                found += 1 if has_item(alert) else 0
            after = requests_sent(live)
            return put_ms, get_ms, acks, found, (middle - before) / operations, (after - middle) / operations, first_ms

        warm_up = time.monotonic()
        cold = run_pass()
        for _ in range(2):
            run_pass()
        print('warm-up: 3 passes in %.1f s; the first: put median %.2f ms, get median %.2f ms'
              % (time.monotonic() - warm_up, statistics.median(cold[0]), statistics.median(cold[1])), flush=True)
        report(run_pass())
        if dead > 0:
            # items stored while every node answered, read again once some of their storing nodes are silent
            old_seeds = [os.urandom(32) for _ in range(operations)]
            for i, seed in enumerate(old_seeds):
                put(rng.randrange(size), seed, b'salt', b'before the silence %d' % i)
            silent = rng.sample(range(size), int(round(size * dead)))
            for index in silent:
                black_holes.append(silence(sessions, index))
            answering = [i for i in range(size) if i not in set(silent)]
            print('silenced %d of %d nodes (session destroyed, port held by a socket that never reads); operations'
                  ' now start from the %d that answer' % (len(silent), size, len(answering)), flush=True)
            report(run_pass(answering))
            get_ms, found, first_ms = [], 0, []
            for seed in old_seeds:
                ms, alert = get(rng.choice(answering), lt_public_key(seed), b'salt', first_ms)
                get_ms.append(ms)
                found += 1 if has_item(alert) else 0
            print('get of items put before the silence: median %.2f ms, p90 %.2f ms, max %.2f ms; found %d/%d; %s'
                  % (statistics.median(get_ms), pct(get_ms, 90), max(get_ms), found, operations, first(first_ms)))
        print('load average %.1f' % os.getloadavg()[0], flush=True)
    finally:
        for s in sessions:
            if s is not None:
                s.pause()
        del sessions[:]
        for hole in black_holes:
            hole.close()


def first(first_ms):
    if not first_ms:
        return 'no item arrived'
    return 'first item after median %.2f ms, p90 %.2f ms' % (statistics.median(first_ms), pct(first_ms, 90))


def report(measured):
    put_ms, get_ms, acks, found, put_requests, get_requests, first_ms = measured
    print('put: median %.2f ms, p90 %.2f ms, max %.2f ms; requests sent per put (all nodes) %.1f; acks median %d;'
          ' with at least one ack %d/%d'
          % (statistics.median(put_ms), pct(put_ms, 90), max(put_ms), put_requests, statistics.median(acks),
             sum(1 for a in acks if a > 0), len(acks)))
    print('get: median %.2f ms, p90 %.2f ms, max %.2f ms; requests sent per get (all nodes) %.1f; found %d/%d; %s'
          % (statistics.median(get_ms), pct(get_ms, 90), max(get_ms), get_requests, found, len(get_ms),
             first(first_ms)), flush=True)


def silence(sessions, index):
    """Destroys sessions[index] (the destructor closes its socket) and holds its UDP port with a socket that is
    never read; @return that socket. Retries the bind for at most 2 s."""
    port = BASE_PORT + index
    sessions[index] = None  # the last reference: the session shuts down here, synchronously
    deadline = time.monotonic() + 2
    while True:
        hole = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        hole.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills at once: the kernel drops the rest
        try:
            hole.bind(('127.0.0.1', port))
            return hole
        except OSError:
            hole.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


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
