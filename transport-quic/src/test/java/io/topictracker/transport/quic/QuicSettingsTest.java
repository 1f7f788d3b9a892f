package io.topictracker.transport.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.ConfigException;
import io.topictracker.api.ConfigTable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuicSettingsTest {
    @Test
    void defaultsAreLoopbackInTheTestSuiteAnyPortAndTheDocumentedTimes() throws Exception {
        QuicSettings settings = QuicSettings.from(ConfigTable.empty("transport.quic"));

        assertEquals(InetAddress.getByName("127.0.0.1"), settings.bindAddress());
        assertEquals(0, settings.port());
        assertEquals(1 << 20, settings.maxFrameSize());
        assertEquals(Duration.ofSeconds(15), settings.idleTimeout(), "as TCP's");
        assertEquals(Duration.ofSeconds(5), settings.keepAliveInterval(), "as TCP's");
        assertEquals(Duration.ofSeconds(10), settings.handshakeTimeout());
        assertEquals(Math.min(2, Runtime.getRuntime().availableProcessors()), settings.ioThreads(), "as TCP's");
        assertFalse(settings.shareEventLoops(), "QUIC transports run on loops of their own unless told to share");
    }

    @Test
    void everyKeyIsRead() {
        QuicSettings settings = QuicSettings.from(ConfigTable.of("transport.quic", Map.of(
                "bind_address", "::1", "port", 4433L, "max_frame_size", 4096L, "idle_timeout", "5s",
                "keep_alive_interval", "0s", "handshake_timeout", "1500ms", "io_threads", 3L,
                "share_event_loops", true)));

        assertEquals("0:0:0:0:0:0:0:1", settings.bindAddress().getHostAddress());
        assertEquals(4433, settings.port());
        assertEquals(4096, settings.maxFrameSize());
        assertEquals(Duration.ofSeconds(5), settings.idleTimeout());
        assertEquals(Duration.ZERO, settings.keepAliveInterval());
        assertEquals(Duration.ofMillis(1500), settings.handshakeTimeout());
        assertEquals(3, settings.ioThreads());
        assertTrue(settings.shareEventLoops());
    }

    @Test
    void anUnknownKeyIsNamed() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> QuicSettings.from(ConfigTable.of("transport.quic", Map.of("idle_timout", "5s"))));

        assertEquals("transport.quic.idle_timout", error.key());
        assertTrue(error.getMessage().contains("idle_timeout"), "lists the known keys: " + error.getMessage());
    }

    @Test
    void aKeepAliveNoShorterThanTheIdleTimeoutIsRefused() {
        ConfigException error = assertThrows(ConfigException.class, () -> QuicSettings.from(ConfigTable.of(
                "transport.quic", Map.of("idle_timeout", "5s", "keep_alive_interval", "5s"))));

        assertEquals("transport.quic.keep_alive_interval", error.key());
    }

    @Test
    void aHostNameIsNotABindAddress() {
        ConfigException error = assertThrows(ConfigException.class, () -> QuicSettings.from(ConfigTable.of(
                "transport.quic", Map.of("bind_address", "localhost"))));

        assertEquals("transport.quic.bind_address", error.key());
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertThrows(ConfigException.class, () -> QuicSettings.from(
                ConfigTable.of("transport.quic", Map.of("max_frame_size", (long) (16 << 20) + 1))));
        assertThrows(ConfigException.class, () -> QuicSettings.from(
                ConfigTable.of("transport.quic", Map.of("port", 65536L))));
        assertThrows(ConfigException.class, () -> QuicSettings.from(
                ConfigTable.of("transport.quic", Map.of("idle_timeout", "10"))));
        ConfigException threads = assertThrows(ConfigException.class, () -> QuicSettings.from(
                ConfigTable.of("transport.quic", Map.of("io_threads", 0L))));
        assertEquals("transport.quic.io_threads", threads.key());
    }
}
