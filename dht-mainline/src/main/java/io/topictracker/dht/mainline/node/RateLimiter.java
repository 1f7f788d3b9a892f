package io.topictracker.dht.mainline.node;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source IP, so one address cannot monopolise the node; the table of buckets is an LRU bounded
 * at {@code maxSources}, so a spoofed-source flood cannot grow it. A rate of 0 disables limiting. Not thread-safe.
 */
public final class RateLimiter {
    private final double perSecond;
    private final double burst;
    private final LinkedHashMap<InetAddress, double[]> buckets;

    /** @param perSecond sustained queries per second per IP (0 = unlimited); @param burst bucket size */
    public RateLimiter(double perSecond, double burst, int maxSources) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, double[]> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** @return true if a query from {@code source} at {@code nowNanos} may be answered */
    public boolean allow(InetAddress source, long nowNanos) {
        if (perSecond <= 0) {
            return true;
        }
        double[] bucket = buckets.computeIfAbsent(source, s -> new double[] {burst, nowNanos});
        double tokens = Math.min(burst, bucket[0] + (nowNanos - bucket[1]) / 1e9 * perSecond);
        bucket[1] = nowNanos;
        if (tokens < 1) {
            bucket[0] = tokens;
            return false;
        }
        bucket[0] = tokens - 1;
        return true;
    }
}
