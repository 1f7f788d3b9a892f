package io.topictracker.gossip.sim;

import java.util.Locale;

/**
 * The figures of one simulated scenario. Immutable.
 *
 * @param scenario its name
 * @param nodes nodes at the start of the scenario
 * @param messages broadcasts sent in the measured phase
 * @param expected deliveries that should have happened (each live, reachable node but the author, per message)
 * @param delivered deliveries that happened
 * @param rmr relative message redundancy: payload messages received / (nodes reached − 1) − 1, over all messages
 * @param ldhMax the largest last-delivery hop of any message
 * @param ldhMean the mean over messages of their last-delivery hop
 * @param fastestLdhMax the largest last-delivery hop had each message taken its author's fastest (least-latency)
 *     paths over the overlay's links at sending, as a flood would: the floor PlumTree's shared tree is measured against
 * @param fastestLdhMean the mean of the same over messages
 * @param latencyP50 delivery latency percentiles in virtual milliseconds
 * @param latencyP95 see above
 * @param latencyP99 see above
 * @param latencyMax see above
 * @param messagesPerNode protocol messages of every kind sent in the measured phase, per node
 * @param wallMillis real time the scenario took to simulate
 */
public record SimReport(String scenario, int nodes, int messages, long expected, long delivered, double rmr,
        int ldhMax, double ldhMean, int fastestLdhMax, double fastestLdhMean, long latencyP50, long latencyP95, long latencyP99, long latencyMax,
        double messagesPerNode, long wallMillis) {

    /** @return this report with the wall time zeroed, to compare runs */
    public SimReport withoutWallTime() {
        return new SimReport(scenario, nodes, messages, expected, delivered, rmr, ldhMax, ldhMean, fastestLdhMax,
                fastestLdhMean, latencyP50,
                latencyP95, latencyP99, latencyMax, messagesPerNode, 0);
    }

    /** @return deliveries that should have happened and did not */
    public long missed() {
        return expected - delivered;
    }

    /** @return one Markdown table row */
    public String markdownRow() {
        return String.format(Locale.ROOT,
                "| %s | %d | %d | %d | %d | %.3f | %d | %.1f | %d / %.1f | %d / %d / %d / %d | %.1f | %d |",
                scenario, nodes, messages, delivered, missed(), rmr, ldhMax, ldhMean, fastestLdhMax, fastestLdhMean,
                latencyP50, latencyP95, latencyP99, latencyMax, messagesPerNode, wallMillis);
    }

    /** @return the header matching {@link #markdownRow()} */
    public static String markdownHeader() {
        return "| scenario | nodes | messages | delivered | missed | RMR | LDH max | LDH mean "
                + "| fastest-path LDH max / mean | latency p50 / p95 / p99 / max (ms) | msgs/node | wall (ms) |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|";
    }

    @Override
    public String toString() {
        return markdownRow();
    }
}
