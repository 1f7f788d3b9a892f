#!/usr/bin/python3
"""Network lab helpers, Python 3 standard library only (the lab's kernel has no netem).

  labnet.py switch --delay-ms D --loss P [--seed S] PORT...
      An impaired Ethernet switch: reads every frame arriving on the given interfaces (AF_PACKET raw sockets), drops
      it with probability P, otherwise holds it D milliseconds (the one-way delay; a round trip crosses the switch
      twice) and sends it on: to the port its destination MAC was last seen on (MAC learning), else to every other
      port. Prints "ready" once every port is open. Commands, one a line on standard input: "stats" prints
      "stats forwarded=N dropped=M cut=C" (frames, each counted once however many ports it went to; C: frames lost
      to a cut link, not counted as dropped); "cut PORT" cuts that port's link (frames from it and to it are lost)
      and prints "cut PORT"; "restore PORT" undoes it and prints "restored PORT". Ends at end of input or on
      SIGTERM.

  labnet.py ping --count N --interval-ms I [--timeout-ms T] SOURCE DESTINATION
      ICMP echo over a raw socket (the machine has no ping command). Prints "reply seq=K rtt_ms=X" per reply and then
      "ping sent=N received=M min_ms=.. median_ms=.. max_ms=..".

Offloads: the switch's sockets use PACKET_VNET_HDR, so each frame comes with its virtio-net header (checksum still to
fill in, segmentation offload of a large TCP frame) and is sent on with it, and the kernel finishes the frame on the
way out as it would have on a kernel bridge. Without it a TCP frame from a veth with offloads on arrives unfinished
(bad checksum, or larger than the MTU) and could not be forwarded.
"""

import argparse
import collections
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_OUTGOING = 4
VNET_HDR_LEN = 10
MAX_FRAME = 65536 + VNET_HDR_LEN + 14
BROADCAST_BIT = 0x01


def switch(args):
    rng = random.Random(args.seed)
    delay = args.delay_ms / 1000.0
    ports = []
    for name in args.ports:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        s.bind((name, 0))
        s.setblocking(False)
        ports.append((name, s))
    by_fd = {s.fileno(): i for i, (_, s) in enumerate(ports)}
    stdin_fd = sys.stdin.fileno()
    mac_port = {}
    queue = collections.deque()  # (due, out port indexes, vnet header + frame); one delay, so FIFO order is due order
    forwarded = dropped = cut_frames = 0
    names = list(args.ports)
    cut = set()  # port indexes whose link is cut: nothing from them, nothing to them
    pending = b""
    print("ready", flush=True)
    while True:
        timeout = None
        if queue:
            timeout = max(0.0, queue[0][0] - time.monotonic())
        readable, _, _ = select.select([stdin_fd] + list(by_fd), [], [], timeout)
        for fd in readable:
            if fd == stdin_fd:
                chunk = os.read(stdin_fd, 4096)  # not sys.stdin: its buffer would hide lines from select
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    words = line.decode("ascii", "replace").split()
                    if words == ["stats"]:
                        print("stats forwarded=%d dropped=%d cut=%d" % (forwarded, dropped, cut_frames), flush=True)
                    elif len(words) == 2 and words[0] in ("cut", "restore") and words[1] in names:
                        (cut.add if words[0] == "cut" else cut.discard)(names.index(words[1]))
                        print("%s %s" % ("cut" if words[0] == "cut" else "restored", words[1]), flush=True)
                    else:
                        print("unknown command: %s" % line.decode("ascii", "replace"), flush=True)
                continue
            index = by_fd[fd]
            sock = ports[index][1]
            for _ in range(64):  # drain a burst, bounded so the queue's due frames are not starved
                try:
                    data, address = sock.recvfrom(MAX_FRAME)
                except BlockingIOError:
                    break
                if address[2] == PACKET_OUTGOING or len(data) < VNET_HDR_LEN + 14:
                    continue  # our own sends on this port, or a runt
                frame = data[VNET_HDR_LEN:]
                destination, source = frame[0:6], frame[6:12]
                if index in cut:
                    cut_frames += 1
                    continue
                if not source[0] & BROADCAST_BIT:
                    mac_port[source] = index
                if rng.random() < args.loss:
                    dropped += 1
                    continue
                known = mac_port.get(destination)
                if destination[0] & BROADCAST_BIT or known is None:
                    out = [i for i in range(len(ports)) if i != index]
                elif known == index:
                    continue  # for a host on the port it came from: nothing to forward
                else:
                    out = [known]
                queue.append((time.monotonic() + delay, out, data))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, out, data = queue.popleft()
            if all(i in cut for i in out):
                cut_frames += 1
                continue
            for i in out:
                if i in cut:
                    continue
                try:
                    ports[i][1].send(data)
                except OSError:
                    pass  # a port that is down (a cut link) loses the frame, as a cable would
            forwarded += 1


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ping(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.bind((args.source, 0))
    ident = os.getpid() & 0xFFFF
    sent_at = {}
    rtts = []
    interval = args.interval_ms / 1000.0
    next_send = time.monotonic()
    seq = 0
    deadline = None
    while True:
        now = time.monotonic()
        if seq < args.count and now >= next_send:
            header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            payload = b"topic-tracker-lab" + bytes(39)
            packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload
            sent_at[seq] = now
            s.sendto(packet, (args.destination, 0))
            seq += 1
            next_send = now + interval
            if seq == args.count:
                deadline = now + args.timeout_ms / 1000.0
        if deadline is not None and (now >= deadline or len(rtts) == args.count):
            break
        wait = (next_send if seq < args.count else deadline) - now
        readable, _, _ = select.select([s], [], [], max(0.0, wait))
        if not readable:
            continue
        packet, _ = s.recvfrom(2048)
        ihl = (packet[0] & 0x0F) * 4
        kind, _, _, rid, rseq = struct.unpack("!BBHHH", packet[ihl:ihl + 8])
        if kind == 0 and rid == ident and rseq in sent_at:
            rtt = (time.monotonic() - sent_at.pop(rseq)) * 1000.0
            rtts.append(rtt)
            print("reply seq=%d rtt_ms=%.3f" % (rseq, rtt), flush=True)
    ordered = sorted(rtts)
    if ordered:
        stats = "min_ms=%.3f median_ms=%.3f max_ms=%.3f" % (ordered[0], ordered[len(ordered) // 2], ordered[-1])
    else:
        stats = "min_ms=NaN median_ms=NaN max_ms=NaN"
    print("ping sent=%d received=%d %s" % (seq, len(rtts), stats), flush=True)


def main():
    parser = argparse.ArgumentParser(prog="labnet.py")
    commands = parser.add_subparsers(dest="command", required=True)
    sw = commands.add_parser("switch")
    sw.add_argument("--delay-ms", type=float, required=True)
    sw.add_argument("--loss", type=float, required=True)
    sw.add_argument("--seed", type=int, default=None)
    sw.add_argument("ports", nargs="+")
    pg = commands.add_parser("ping")
    pg.add_argument("--count", type=int, required=True)
    pg.add_argument("--interval-ms", type=float, required=True)
    pg.add_argument("--timeout-ms", type=float, default=2000)
    pg.add_argument("source")
    pg.add_argument("destination")
    args = parser.parse_args()
    if args.command == "switch":
        if not 0 <= args.loss < 1 or args.delay_ms < 0:
            parser.error("--loss must be in [0, 1) and --delay-ms at least 0")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        switch(args)
    else:
        ping(args)


if __name__ == "__main__":
    main()
