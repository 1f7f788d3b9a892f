package io.topictracker.dht.mainline.node;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * BEP42 "DHT Security extension": a node id's first 21 bits are a CRC32-C of the node's masked external IP and a
 * random byte {@code r} kept in the id's last byte, so a node cannot choose where it sits. IPv4 addresses are masked
 * with {@code 0x030f3fff}; IPv6 ones by their first 8 bytes (the /64) with {@code 0x0103070f1f3f7fff} (BEP42,
 * "Node ID restriction"). Local addresses are exempt, as the BEP says. Stateless and thread-safe.
 */
public final class Bep42 {
    private static final int V4_MASK = 0x030f3fff;
    private static final byte[] V6_MASK = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, (byte) 0xff};

    private Bep42() {}

    /** @return a fresh BEP42-valid id for {@code ip} */
    public static byte[] idFor(InetAddress ip, Random random) {
        byte[] id = new byte[20];
        random.nextBytes(id);
        int r = id[19] & 0x07;
        int crc = crc(ip, r);
        id[0] = (byte) (crc >>> 24);
        id[1] = (byte) (crc >>> 16);
        id[2] = (byte) (((crc >>> 8) & 0xf8) | (id[2] & 0x07));
        return id;
    }

    /** @return true if {@code id} is valid for {@code ip} per BEP42 (always true for exempt addresses) */
    public static boolean isValid(byte[] id, InetAddress ip) {
        if (isExempt(ip)) {
            return true;
        }
        int crc = crc(ip, id[19] & 0x07);
        return (id[0] & 0xff) == (crc >>> 24 & 0xff) && (id[1] & 0xff) == (crc >>> 16 & 0xff)
                && (id[2] & 0xf8) == (crc >>> 8 & 0xf8);
    }

    /**
     * BEP42: "local network addresses" (10/8, 172.16/12, 192.168/16, 169.254/16, 127/8) are exempt; for IPv6 the
     * same kinds: loopback, link-local (fe80::/10), site-local (fec0::/10) and unique local (fc00::/7, RFC 4193).
     */
    public static boolean isExempt(InetAddress ip) {
        return ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress()
                || ip instanceof Inet6Address && (ip.getAddress()[0] & 0xfe) == 0xfc;
    }

    private static int crc(InetAddress ip, int r) {
        if (!(ip instanceof Inet4Address)) {
            byte[] a = ip.getAddress();
            byte[] masked = new byte[8];
            for (int i = 0; i < 8; i++) {
                masked[i] = (byte) (a[i] & V6_MASK[i]);
            }
            masked[0] |= (byte) (r << 5);
            CRC32C crc = new CRC32C();
            crc.update(masked);
            return (int) crc.getValue();
        }
        byte[] a = ip.getAddress();
        int v = ((a[0] & 0xff) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff)) & V4_MASK;
        v |= r << 29;
        CRC32C crc = new CRC32C();
        crc.update(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        return (int) crc.getValue();
    }
}
