#!/usr/bin/python3
"""Drive libtorrent 2.0.8 (Debian's python3-libtorrent) as a mainline DHT node on 127.0.0.1, for the interop tests
of dht-mainline (LtNode.java, LibtorrentInteropTest.java).

    /usr/bin/python3 lt_node.py SUBCOMMAND [options]

    serve     --port P [--bootstrap 127.0.0.1:Q ...] --seconds S
    put       --port P --bootstrap 127.0.0.1:Q --seed HEX32 [--salt STR] --value STR
    get       --port P --bootstrap 127.0.0.1:Q --pubkey HEX32 [--salt STR]
    get-peers --port P --bootstrap 127.0.0.1:Q --infohash HEX20
    announce  --port P --bootstrap 127.0.0.1:Q --infohash HEX20
    keys      --seed HEX32
    common:   [--node-id HEX20] [--timeout S] [--bootstrap-timeout S] [--read-only] [--ipv6]

With --ipv6 the session listens on [::1] instead, so libtorrent runs its DHT on that IPv6 socket (BEP32; it runs
one DHT per listen socket), and every --bootstrap is [::1]:PORT.

Each subcommand writes exactly one JSON object on one line to standard output (its result) and exits 0 when it
succeeded, 1 when it did not; diagnostics go to standard error. `serve` also writes {"event": "ready", ...} to
standard error once its session exists, and runs until SIGTERM/SIGINT or --seconds (at most an hour).

Loopback only: every address must be 127.x (or ::1 with --ipv6), the session listens on 127.0.0.1 (or ::1), and
libtorrent's default bootstrap
router, local service discovery, UPnP and NAT-PMP are off. Every wait is bounded by --timeout.
"""
import argparse
import hashlib
import json
import os
import signal
import socket
import struct
import sys
import tempfile
import time

import libtorrent as lt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAX_SERVE_SECONDS = 3600
ALERTS = (lt.alert_category.dht | lt.alert_category.dht_operation | lt.alert_category.error
          | lt.alert_category.status)
# counters reported with each result, as in the session's stats ("dht." prefix dropped)
COUNTERS = ('dht_messages_in', 'dht_messages_out', 'dht_messages_in_dropped', 'dht_get_in', 'dht_put_in',
            'dht_get_out', 'dht_put_out', 'dht_get_peers_out', 'dht_announce_peer_in', 'dht_announce_peer_out',
            'dht_invalid_put', 'dht_mutable_data', 'dht_torrents', 'dht_peers')


def note(*parts):
    print('lt_node:', *parts, file=sys.stderr, flush=True)


def result(obj):
    """The one line on standard output. json's default separators (", " and ": ") are what LtNode.field parses."""
    print(json.dumps(obj, sort_keys=True), flush=True)


def loopback_endpoint(text, ipv6=False):
    """HOST:PORT with HOST in 127.0.0.0/8 ([::1]:PORT when ipv6), else exit with status 2 naming the value."""
    host, _, port = text.rpartition(':')
    loopback = host == '[::1]' if ipv6 else host.startswith('127.')
    if not loopback or not port.isdigit():
        note('not a loopback %s:PORT: %r' % ('[::1]' if ipv6 else 'HOST', text))
        sys.exit(2)
    return host.strip('[]'), int(port)


def session_settings(port, read_only, ipv6=False):
    """libtorrent 2.0.8 on loopback: every node shares one IP, so the per-IP defaults would ban or merge them."""
    return {
        'listen_interfaces': ('[::1]:%d' if ipv6 else '127.0.0.1:%d') % port,
        'listen_system_port_fallback': False,  # fail rather than bind another port
        'max_retry_port_bind': 0,
        'enable_dht': False,                   # turned on once the saved DHT state is in place
        'dht_bootstrap_nodes': '',             # never the public router
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'enable_ip_notifier': False,
        'dht_restrict_routing_ips': False,     # default: one routing table entry per IP
        'dht_restrict_search_ips': False,      # default: one lookup candidate per IP
        'dht_enforce_node_id': False,
        'dht_prefer_verified_node_ids': False,
        'dht_ignore_dark_internet': False,
        'dht_block_ratelimit': 1000000,        # default bans an IP sending > 5 packets/s for 5 minutes
        'dht_upload_rate_limit': 100000000,
        'dht_read_only': read_only,            # BEP43
        'alert_mask': ALERTS,
        'alert_queue_size': 100000,
    }


def public_key(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def expanded_secret(seed):
    """The 64-byte secret libtorrent's put takes: SHA-512 of the seed, clamped (RFC 8032 section 5.1.5)."""
    digest = bytearray(hashlib.sha512(seed).digest())
    digest[0] &= 248
    digest[31] &= 63
    digest[31] |= 64
    return bytes(digest)


def signed_bytes(salt, seq, bencoded_value):
    """What a BEP44 mutable item's signature covers: [4:salt<salt>]3:seqi<seq>e1:v<bencoded v>."""
    prefix = b'4:salt%d:%s' % (len(salt), salt) if salt else b''
    return prefix + b'3:seqi%de1:v' % seq + bencoded_value


def signature_valid(key, signature, salt, seq, bencoded_value):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, signed_bytes(salt, seq, bencoded_value))
        return True
    except (InvalidSignature, ValueError):
        return False


class LtDht:
    """One libtorrent session with its DHT on 127.0.0.1:port (or [::1]:port). Not thread-safe."""

    def __init__(self, port, bootstrap, node_id=None, read_only=False, ipv6=False):
        self.bootstrap = [loopback_endpoint(b, ipv6) for b in bootstrap]
        # The bootstrap nodes go in as saved DHT state: libtorrent then puts them in its routing table and runs its
        # bootstrap lookup from them (a router, or add_dht_node, would only be pinged or kept out of the table).
        # IPv6 ones go in "nodes6", 18-byte entries, which libtorrent gives to its IPv6 socket's DHT.
        family = socket.AF_INET6 if ipv6 else socket.AF_INET
        compact = [socket.inet_pton(family, host) + struct.pack('>H', p) for host, p in self.bootstrap]
        state = {b'nodes6' if ipv6 else b'nodes': compact}
        if node_id:
            state[b'node-id'] = [bytes.fromhex(node_id) + socket.inet_pton(family, '::1' if ipv6 else '127.0.0.1')]
        params = lt.read_session_params(lt.bencode({b'dht state': state}))
        params.settings = session_settings(port, read_only, ipv6)
        self.session = lt.session(params)
        self.session.apply_settings({'enable_dht': True})
        self.bootstrapped = False
        self.bootstrap_seconds = 0.0

    def next_alerts(self, wait_ms):
        self.session.wait_for_alert(int(wait_ms))
        alerts = self.session.pop_alerts()
        for alert in alerts:
            if isinstance(alert, lt.dht_bootstrap_alert):
                self.bootstrapped = True
            elif isinstance(alert, lt.listen_failed_alert):
                result({'ok': False, 'error': 'listen failed: ' + alert.message()})
                quit_now(1)
        return alerts

    def await_alert(self, accept, timeout):
        """@return the first alert accept() takes within timeout seconds, or None"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for alert in self.next_alerts(min(200, max(1, (deadline - time.monotonic()) * 1000))):
                if accept(alert):
                    return alert
        return None

    def await_bootstrap(self, timeout):
        """Waits (bounded) for the bootstrap lookup to end; the operation starts afterwards either way."""
        started = time.monotonic()
        if self.bootstrap and not self.bootstrapped:
            self.await_alert(lambda a: self.bootstrapped, timeout)
        self.bootstrap_seconds = round(time.monotonic() - started, 3)

    def counters(self, timeout=3.0):
        self.session.post_session_stats()
        self.session.post_dht_stats()
        values, nodes = None, None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and (values is None or nodes is None):
            for alert in self.next_alerts(100):
                if isinstance(alert, lt.session_stats_alert):
                    values = alert.values
                elif isinstance(alert, lt.dht_stats_alert):
                    nodes = sum(bucket['num_nodes'] for bucket in alert.routing_table)
        found = {name: (values or {}).get('dht.' + name) for name in COUNTERS}
        found['routing_table_nodes'] = nodes
        return found

    def summary(self):
        return {'bootstrap_s': self.bootstrap_seconds, 'bootstrap_done': self.bootstrapped}


def quit_now(status):
    """Exits without running libtorrent's session destructor, which can crash at interpreter shutdown; the kernel
    closes the sockets."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def elapsed_ms(since):
    return round((time.monotonic() - since) * 1000, 1)


def run_keys(args):
    result({'cmd': 'keys', 'ok': True, 'pubkey': public_key(bytes.fromhex(args.seed)).hex()})
    return 0


def run_serve(args):
    dht = LtDht(args.port, args.bootstrap, args.node_id, args.read_only, args.ipv6)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    seconds = min(args.seconds, MAX_SERVE_SECONDS)
    print(json.dumps({'event': 'ready', 'port': args.port}), file=sys.stderr, flush=True)
    started = time.monotonic()
    while not stopping and time.monotonic() - started < seconds:
        dht.next_alerts(200)
    result({'cmd': 'serve', 'ok': True, 'port': args.port, 'ran_s': round(time.monotonic() - started, 1),
            'stats': dht.counters()})
    return 0


def run_put(args):
    seed = bytes.fromhex(args.seed)
    key = public_key(seed)
    dht = LtDht(args.port, args.bootstrap, args.node_id, args.read_only, args.ipv6)
    dht.await_bootstrap(args.bootstrap_timeout)
    started = time.monotonic()
    # The binding signs with seq = the highest seq the lookup found + 1; it takes no seq of its own.
    dht.session.dht_put_mutable_item(expanded_secret(seed), key, args.value.encode(), args.salt.encode())
    done = dht.await_alert(lambda a: isinstance(a, lt.dht_put_alert), args.timeout)
    out = {'cmd': 'put', 'pubkey': key.hex(), 'salt': args.salt, 'value': args.value, 'put_ms': elapsed_ms(started)}
    out.update(dht.summary())
    if done is None:
        out.update({'ok': False, 'error': 'no dht_put_alert within %ss' % args.timeout})
    else:
        out.update({'ok': done.num_success > 0, 'num_success': done.num_success, 'seq': int(done.seq),
                    'sig': bytes(done.signature).hex(), 'target': str(done.target)})
    out['stats'] = dht.counters()
    result(out)
    return 0 if out['ok'] else 1


def item_of(alert):
    """@return the alert's item, or None when the lookup found none (the binding raises then)"""
    try:
        return alert.item
    except RuntimeError:
        return None


def run_get(args):
    key = bytes.fromhex(args.pubkey)
    salt = args.salt.encode()
    dht = LtDht(args.port, args.bootstrap, args.node_id, args.read_only, args.ipv6)
    dht.await_bootstrap(args.bootstrap_timeout)
    started = time.monotonic()
    dht.session.dht_get_mutable_item(key, salt)
    best, authoritative = None, False
    deadline = started + args.timeout
    # libtorrent posts an alert per newer item seen, and a last one flagged authoritative when the lookup ends
    while not authoritative and time.monotonic() < deadline:
        alert = dht.await_alert(lambda a: isinstance(a, lt.dht_mutable_item_alert), deadline - time.monotonic())
        if alert is None:
            break
        authoritative = alert.authoritative
        item = item_of(alert)
        if item is not None and (best is None or alert.seq >= best[0]):
            best = (int(alert.seq), item, bytes(alert.signature))
    out = {'cmd': 'get', 'pubkey': args.pubkey, 'salt': args.salt, 'get_ms': elapsed_ms(started),
           'authoritative': authoritative}
    out.update(dht.summary())
    if best is None:
        out.update({'ok': False, 'found': False})
    else:
        seq, item, signature = best
        value = item['value'] if isinstance(item, dict) else item  # 2.0.8: a dict with the bdecoded v as 'value'
        if isinstance(value, str):
            value = value.encode('utf-8')
        bencoded = lt.bencode(value)
        valid = signature_valid(key, signature, salt, seq, bencoded)
        out.update({'ok': valid, 'found': True, 'seq': seq, 'sig': signature.hex(), 'sig_valid': valid,
                    'value': value.decode('utf-8', 'replace') if isinstance(value, bytes) else None,
                    'v_bencoded_hex': bencoded.hex()})
    out['stats'] = dht.counters()
    result(out)
    return 0 if out['ok'] else 1


def run_get_peers(args):
    dht = LtDht(args.port, args.bootstrap, args.node_id, args.read_only, args.ipv6)
    dht.await_bootstrap(args.bootstrap_timeout)
    started = time.monotonic()
    dht.session.dht_get_peers(lt.sha1_hash(bytes.fromhex(args.infohash)))
    # posted once, when the lookup ends
    reply = dht.await_alert(lambda a: isinstance(a, lt.dht_get_peers_reply_alert), args.timeout)
    peers = sorted({('[%s]:%d' if ':' in host else '%s:%d') % (host, port) for host, port in reply.peers()}) \
        if reply is not None else []
    out = {'cmd': 'get-peers', 'infohash': args.infohash, 'ok': bool(peers), 'complete': reply is not None,
           'peers': peers, 'ms': elapsed_ms(started)}
    out.update(dht.summary())
    out['stats'] = dht.counters()
    result(out)
    return 0 if out['ok'] else 1


def run_announce(args):
    """BEP5 announce_peer. session.dht_announce is not callable from Python in 2.0.8 (its flags type has no
    converter), so a torrent with just this info-hash is added and announced; libtorrent then announces
    implied_port=1, i.e. the peer port is this node's UDP port (--port)."""
    dht = LtDht(args.port, args.bootstrap, args.node_id, args.read_only, args.ipv6)
    dht.await_bootstrap(args.bootstrap_timeout)
    params = lt.add_torrent_params()
    params.info_hashes = lt.info_hash_t(lt.sha1_hash(bytes.fromhex(args.infohash)))
    params.save_path = tempfile.mkdtemp(prefix='lt-announce-')
    params.flags &= ~(lt.torrent_flags.paused | lt.torrent_flags.auto_managed)
    started = time.monotonic()
    torrent = dht.session.add_torrent(params)
    torrent.force_dht_announce()
    sent = 0
    while sent == 0 and time.monotonic() - started < args.timeout:
        sent = dht.counters(timeout=1.0).get('dht_announce_peer_out') or 0
    if sent:
        # the first announce_peer is out; give the others of the same lookup a moment to leave too
        dht.await_alert(lambda a: False, 0.5)
    stats = dht.counters()
    dht.session.remove_torrent(torrent)
    sent = stats.get('dht_announce_peer_out') or 0
    out = {'cmd': 'announce', 'infohash': args.infohash, 'ok': sent > 0, 'announce_peer_sent': sent,
           'announced_port': args.port, 'implied_port': True, 'ms': elapsed_ms(started), 'stats': stats}
    out.update(dht.summary())
    result(out)
    return 0 if out['ok'] else 1


def parser():
    top = argparse.ArgumentParser(prog='lt_node.py', description='libtorrent 2.0.8 DHT node on 127.0.0.1')
    commands = top.add_subparsers(dest='command', required=True)

    def node_command(name, bootstrap_required=True):
        sub = commands.add_parser(name)
        sub.add_argument('--port', type=int, required=True, help='UDP port on 127.0.0.1')
        sub.add_argument('--bootstrap', action='append', default=[], required=bootstrap_required,
                         help='127.0.0.1:PORT, repeatable')
        sub.add_argument('--node-id', help='20-byte node id, hex')
        sub.add_argument('--timeout', type=float, default=30.0, help='seconds the operation may take')
        sub.add_argument('--bootstrap-timeout', type=float, default=5.0,
                         help='seconds to wait for the bootstrap lookup before the operation')
        sub.add_argument('--read-only', action='store_true', help='BEP43 read-only node')
        sub.add_argument('--ipv6', action='store_true', help='listen and bootstrap on [::1] (BEP32)')
        return sub

    commands.add_parser('keys').add_argument('--seed', required=True, help='32-byte Ed25519 seed, hex')
    node_command('serve', bootstrap_required=False).add_argument('--seconds', type=float, required=True)
    put = node_command('put')
    put.add_argument('--seed', required=True, help='32-byte Ed25519 seed, hex')
    put.add_argument('--salt', default='')
    put.add_argument('--value', required=True)
    get = node_command('get')
    get.add_argument('--pubkey', required=True, help='32-byte Ed25519 public key, hex')
    get.add_argument('--salt', default='')
    node_command('get-peers').add_argument('--infohash', required=True, help='20 bytes, hex')
    node_command('announce').add_argument('--infohash', required=True, help='20 bytes, hex')
    return top


RUNNERS = {'keys': run_keys, 'serve': run_serve, 'put': run_put, 'get': run_get, 'get-peers': run_get_peers,
           'announce': run_announce}

if __name__ == '__main__':
    arguments = parser().parse_args()
    quit_now(RUNNERS[arguments.command](arguments))
