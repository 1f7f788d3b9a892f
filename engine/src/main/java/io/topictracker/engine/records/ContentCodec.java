package io.topictracker.engine.records;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The binary layout of {@link RecordContent}, versions 1 to 3 (see PROTOCOL.md §2.1). Version 2 adds the connection
 * requests and is written only when there are some; version 3 adds the since instant and is written whenever the
 * content has one; so content without either reads as it always did. One encoding per value. Pure; stateless and
 * thread-safe.
 *
 * <pre>
 * content  = version:u8(=1) n:u8 address{n} p:u8 peer{p} h:u8 hash32{h}
 *          | version:u8(=2) n:u8 address{n} p:u8 peer{p} h:u8 hash32{h} r:u8(1..2) key32{r}
 *          | version:u8(=3) n:u8 address{n} p:u8 peer{p} h:u8 hash32{h} r:u8(0..2) key32{r} since:u64be(≥ 1)
 * peer     = key:32 n:u8 address{n}
 * address  = tlen:u8 transport:ascii{tlen} kind:u8 host port:u16be
 * host     = kind 4: 4 bytes | kind 6: 16 bytes | kind 0: len:u8 ascii{len} (DNS name)
 * </pre>
 */
final class ContentCodec {
    static final int VERSION = 1;
    static final int VERSION_WITH_REQUESTS = 2;
    static final int VERSION_WITH_SINCE = 3;
    private static final int KIND_DNS = 0;
    private static final int KIND_V4 = 4;
    private static final int KIND_V6 = 6;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ContentCodec() {}

    static List<PeerAddress> canonical(List<PeerAddress> addresses) {
        return addresses.stream().map(ContentCodec::canonical).toList();
    }

    /** Rewrites an IP literal host to the form decoding yields, so content round-trips to an equal value. */
    static PeerAddress canonical(PeerAddress address) {
        String host = address.host();
        if (host.contains(":") ? isCanonicalIpv6(host) : !IPV4.matcher(host).matches()) {
            return address; // already canonical IPv6 (every decoded one is), or a DNS name: nothing to parse
        }
        byte[] ip = ipBytes(host);
        if (ip == null) {
            return address;
        }
        return PeerAddress.of(address.transport(), hostText(ip), address.port());
    }

    static int encodedLength(List<PeerAddress> own, List<PeerInfo> peers, List<MessageHash> hashes, int requests,
            boolean since) {
        int length = 1 + 1 + 1 + 1 + hashes.size() * MessageHash.LENGTH;
        if (requests > 0 || since) {
            length += 1 + requests * PeerId.LENGTH;
        }
        if (since) {
            length += Long.BYTES;
        }
        length += addressesLength(own);
        for (PeerInfo peer : peers) {
            length += PeerId.LENGTH + 1 + addressesLength(peer.addresses());
        }
        return length;
    }

    private static int addressesLength(List<PeerAddress> addresses) {
        int length = 0;
        for (PeerAddress address : addresses) {
            String text = address.host();
            // IPv6 text is always 16 bytes (see ipBytes); only IPv4 and DNS names need a look
            int host = text.contains(":") ? 16 : ipBytes(text) != null ? 4 : 1 + text.length();
            length += 1 + address.transport().length() + 1 + host + 2;
        }
        return length;
    }

    static byte[] encode(RecordContent content) {
        ByteBuffer out = ByteBuffer.allocate(content.encodedLength());
        boolean since = content.sinceMillis() != RecordContent.SINCE_UNKNOWN;
        boolean requests = since || !content.connectRequests().isEmpty();
        out.put((byte) (since ? VERSION_WITH_SINCE : requests ? VERSION_WITH_REQUESTS : VERSION));
        putAddresses(out, content.addresses());
        out.put((byte) content.activePeers().size());
        for (PeerInfo peer : content.activePeers()) {
            out.put(peer.id().toBytes());
            putAddresses(out, peer.addresses());
        }
        out.put((byte) content.messageHashes().size());
        for (MessageHash hash : content.messageHashes()) {
            out.put(hash.toBytes());
        }
        if (requests) {
            out.put((byte) content.connectRequests().size());
            for (PeerId peer : content.connectRequests()) {
                out.put(peer.toBytes());
            }
        }
        if (since) {
            out.putLong(content.sinceMillis());
        }
        return out.array();
    }

    private static void putAddresses(ByteBuffer out, List<PeerAddress> addresses) {
        out.put((byte) addresses.size());
        for (PeerAddress address : addresses) {
            byte[] transport = address.transport().getBytes(StandardCharsets.US_ASCII);
            out.put((byte) transport.length).put(transport);
            byte[] ip = ipBytes(address.host());
            if (ip == null) {
                byte[] name = address.host().getBytes(StandardCharsets.US_ASCII);
                out.put((byte) KIND_DNS).put((byte) name.length).put(name);
            } else {
                out.put((byte) (ip.length == 4 ? KIND_V4 : KIND_V6)).put(ip);
            }
            out.putShort((short) address.port());
        }
    }

    static RecordContent decode(byte[] bytes) throws RecordException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION && version != VERSION_WITH_REQUESTS && version != VERSION_WITH_SINCE) {
                throw new RecordException(RecordException.Reason.UNSUPPORTED_VERSION, "content version " + version
                        + " is not supported (expected " + VERSION + " to " + VERSION_WITH_SINCE + ")");
            }
            List<PeerAddress> own = readAddresses(in, PeerInfo.MAX_ADDRESSES, "own addresses");
            int peerCount = count(in, RecordContent.MAX_PEERS, "active peers");
            List<PeerInfo> peers = new ArrayList<>(peerCount);
            for (int i = 0; i < peerCount; i++) {
                byte[] key = new byte[PeerId.LENGTH];
                in.get(key);
                peers.add(new PeerInfo(PeerId.of(key), readAddresses(in, PeerInfo.MAX_ADDRESSES, "peer addresses")));
            }
            int hashCount = count(in, RecordContent.MAX_MESSAGE_HASHES, "message hashes");
            List<MessageHash> hashes = new ArrayList<>(hashCount);
            for (int i = 0; i < hashCount; i++) {
                byte[] hash = new byte[MessageHash.LENGTH];
                in.get(hash);
                hashes.add(MessageHash.of(hash));
            }
            List<PeerId> requests = new ArrayList<>();
            if (version >= VERSION_WITH_REQUESTS) {
                int requestCount = count(in, RecordContent.MAX_CONNECT_REQUESTS, "connection requests");
                if (requestCount == 0 && version == VERSION_WITH_REQUESTS) { // one encoding per value: version 1
                    throw new RecordException(RecordException.Reason.MALFORMED_CONTENT,
                            "content version 2 with no connection requests");
                }
                for (int i = 0; i < requestCount; i++) {
                    byte[] key = new byte[PeerId.LENGTH];
                    in.get(key);
                    requests.add(PeerId.of(key));
                }
            }
            long since = RecordContent.SINCE_UNKNOWN;
            if (version == VERSION_WITH_SINCE) {
                since = in.getLong();
                if (since <= 0) { // one encoding per value: content that does not say is version 1 or 2
                    throw new RecordException(RecordException.Reason.MALFORMED_CONTENT,
                            "content version 3 with since " + since + " (must be at least 1)");
                }
            }
            if (in.hasRemaining()) {
                throw new RecordException(RecordException.Reason.MALFORMED_CONTENT,
                        in.remaining() + " trailing bytes after the content");
            }
            return new RecordContent(own, peers, hashes, requests, since);
        } catch (java.nio.BufferUnderflowException e) {
            throw new RecordException(RecordException.Reason.MALFORMED_CONTENT, "content ends inside a field");
        } catch (IllegalArgumentException e) {
            throw new RecordException(RecordException.Reason.MALFORMED_CONTENT, "content invalid: " + e.getMessage());
        }
    }

    private static int count(ByteBuffer in, int max, String what) throws RecordException {
        int n = in.get() & 0xff;
        if (n > max) {
            throw new RecordException(RecordException.Reason.MALFORMED_CONTENT,
                    what + ": " + n + " entries, at most " + max + " allowed");
        }
        return n;
    }

    private static List<PeerAddress> readAddresses(ByteBuffer in, int max, String what) throws RecordException {
        int n = count(in, max, what);
        List<PeerAddress> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] transport = new byte[in.get() & 0xff];
            in.get(transport);
            int kind = in.get() & 0xff;
            String host;
            if (kind == KIND_V4 || kind == KIND_V6) {
                byte[] ip = new byte[kind == KIND_V4 ? 4 : 16];
                in.get(ip);
                host = hostText(ip);
            } else if (kind == KIND_DNS) {
                byte[] name = new byte[in.get() & 0xff];
                in.get(name);
                host = new String(name, StandardCharsets.US_ASCII);
            } else {
                throw new RecordException(RecordException.Reason.MALFORMED_CONTENT, "unknown host kind " + kind);
            }
            int port = in.getShort() & 0xffff;
            result.add(PeerAddress.of(new String(transport, StandardCharsets.US_ASCII), host, port));
        }
        return result;
    }

    /** @return 4 or 16 bytes for an IP literal, null for a DNS name; never resolves a name */
    private static byte[] ipBytes(String host) {
        if (!host.contains(":")) {
            if (!IPV4.matcher(host).matches()) {
                return null;
            }
            String[] parts = host.split("\\.");
            byte[] v4 = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null; // not an IPv4 literal; PeerAddress accepted it as a DNS name
                }
                v4[i] = (byte) octet;
            }
            return v4;
        }
        try {
            // Only literals reach here, and InetAddress parses literals without any lookup.
            byte[] raw = InetAddress.getByName(host).getAddress();
            if (raw.length == 4) { // an IPv4-mapped IPv6 literal: keep it IPv6, so IPv6 text is always 16 bytes
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(raw, 0, mapped, 12, 4);
                return mapped;
            }
            return raw;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + host + "' is not a valid IP literal", e);
        }
    }

    /**
     * Formats 4 bytes as dotted decimal, 16 as eight lowercase hex groups without zero compression (the form of
     * {@code Inet6Address.getHostAddress()}, never turned into IPv4), without going through InetAddress: decoding
     * does this for every address of every record read.
     */
    static String hostText(byte[] ip) {
        StringBuilder text = new StringBuilder(39);
        if (ip.length == 4) {
            for (int i = 0; i < 4; i++) {
                text.append(i == 0 ? "" : ".").append(ip[i] & 0xff);
            }
            return text.toString();
        }
        for (int i = 0; i < 16; i += 2) {
            text.append(i == 0 ? "" : ":").append(Integer.toHexString(((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff)));
        }
        return text.toString();
    }

    /** @return true for eight groups of 1–4 lowercase hex digits without leading zeros: what hostText yields */
    static boolean isCanonicalIpv6(String host) {
        int groups = 1;
        int length = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == ':') {
                if (length == 0) {
                    return false;
                }
                groups++;
                length = 0;
            } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
                if ((length == 1 && host.charAt(i - 1) == '0') || ++length > 4) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return groups == 8 && length > 0;
    }
}
