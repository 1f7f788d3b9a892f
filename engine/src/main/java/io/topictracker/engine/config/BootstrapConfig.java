package io.topictracker.engine.config;

import static io.topictracker.engine.config.Bounds.check;

import java.time.Duration;

/**
 * The bootstrap loop's knobs: the {@code [bootstrap]} table, named and defaulted as the Rust crate's
 * {@code BootstrapConfig} ({@code bootstrap.rs}).
 *
 * <p>Immutable and thread-safe; no component is null, every value is within the range its key documents.
 *
 * @param maxBootstrapRecords {@code max_bootstrap_records}: records per topic and minute before publishing is
 *     skipped, 0–100 (0 never publishes); default 5
 * @param publishRecordOnStartup {@code publish_record_on_startup}: publish before the first lookup; default true
 * @param checkOlderRecordsFirstOnStartup {@code check_older_records_first_on_startup}: look at minutes -2 and -1
 *     before -1 and 0 on the first round, favouring long-running topics over cold starts; default false
 * @param discoveryPollInterval {@code discovery_poll_interval}: pause between lookups, 1ms–1h; default 2000ms
 * @param noPeersRetryInterval {@code no_peers_retry_interval}: pause when no peer was found, 1ms–1h; default 1500ms
 * @param perPeerJoinSettleTime {@code per_peer_join_settle_time}: pause after dialling one candidate once a lookup
 *     ended, 0–1h; default 100ms (the first candidates are joined at once as their records arrive, see
 *     {@code Bootstrap})
 * @param joinConfirmationWaitTime {@code join_confirmation_wait_time}: wait before checking a join held, 0–1h;
 *     default 500ms
 * @param rejoin {@code rejoin}: when the topic loses its last neighbour, run the bootstrap again (ours, not the
 *     crate's: its bootstrap ends once joined); default true
 * @param rejoinDelay {@code rejoin_delay}: wait before a rejoin, doubled for each rejoin that follows another within
 *     {@code rejoin_max_delay}, 1ms–1h; default 1s
 * @param rejoinMaxDelay {@code rejoin_max_delay}: the most a rejoin waits, at least {@code rejoin_delay}, up to 1h;
 *     default 1m
 */
public record BootstrapConfig(int maxBootstrapRecords, boolean publishRecordOnStartup,
        boolean checkOlderRecordsFirstOnStartup, Duration discoveryPollInterval, Duration noPeersRetryInterval,
        Duration perPeerJoinSettleTime, Duration joinConfirmationWaitTime, boolean rejoin, Duration rejoinDelay,
        Duration rejoinMaxDelay) {
    /** The crate's seven knobs, rejoining as by default. */
    public BootstrapConfig(int maxBootstrapRecords, boolean publishRecordOnStartup,
            boolean checkOlderRecordsFirstOnStartup, Duration discoveryPollInterval, Duration noPeersRetryInterval,
            Duration perPeerJoinSettleTime, Duration joinConfirmationWaitTime) {
        this(maxBootstrapRecords, publishRecordOnStartup, checkOlderRecordsFirstOnStartup, discoveryPollInterval,
                noPeersRetryInterval, perPeerJoinSettleTime, joinConfirmationWaitTime, true, Duration.ofSeconds(1),
                Duration.ofMinutes(1));
    }

    public BootstrapConfig {
        check("bootstrap.max_bootstrap_records", maxBootstrapRecords, 0, Bounds.MAX_RECORDS);
        check("bootstrap.discovery_poll_interval", discoveryPollInterval, Bounds.ONE_MS, Bounds.ONE_HOUR);
        check("bootstrap.no_peers_retry_interval", noPeersRetryInterval, Bounds.ONE_MS, Bounds.ONE_HOUR);
        check("bootstrap.per_peer_join_settle_time", perPeerJoinSettleTime, Bounds.NONE, Bounds.ONE_HOUR);
        check("bootstrap.join_confirmation_wait_time", joinConfirmationWaitTime, Bounds.NONE, Bounds.ONE_HOUR);
        check("bootstrap.rejoin_delay", rejoinDelay, Bounds.ONE_MS, Bounds.ONE_HOUR);
        check("bootstrap.rejoin_max_delay", rejoinMaxDelay, rejoinDelay, Bounds.ONE_HOUR);
    }

    /** @return the Rust crate's defaults, never null */
    public static BootstrapConfig defaults() {
        return new BootstrapConfig(5, true, false, Duration.ofMillis(2000), Duration.ofMillis(1500),
                Duration.ofMillis(100), Duration.ofMillis(500));
    }
}
