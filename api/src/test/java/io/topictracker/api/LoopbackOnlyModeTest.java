package io.topictracker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A transport binds the wildcard by default, except in the test suite, where it must be told. */
class LoopbackOnlyModeTest {
    private static final Map<String, String> USER = Map.of();
    private static final Map<String, String> TESTS = Map.of(LoopbackOnlyMode.VARIABLE, "1");

    @Test
    void theDefaultIsAWildcardForUsersAndLoopbackInTheTestSuite() {
        ConfigTable empty = ConfigTable.empty("transport.tcp");
        assertTrue(List.of("::", "0.0.0.0").contains(LoopbackOnlyMode.bindAddress(empty, "bind_address", USER)));
        assertEquals("127.0.0.1", LoopbackOnlyMode.bindAddress(empty, "bind_address", TESTS));
    }

    @Test
    void aConfiguredAddressIsKeptEitherWay() {
        ConfigTable set = ConfigTable.of("transport.tcp", Map.of("bind_address", "0.0.0.0"));
        assertEquals("0.0.0.0", LoopbackOnlyMode.bindAddress(set, "bind_address", TESTS));
        assertEquals("0.0.0.0", LoopbackOnlyMode.bindAddress(set, "bind_address", USER));
    }

    @Test
    void onlyAnEmptyOrZeroValueLeavesTheModeOff() {
        assertFalse(LoopbackOnlyMode.active(Map.of(LoopbackOnlyMode.VARIABLE, " ")));
        assertFalse(LoopbackOnlyMode.active(Map.of(LoopbackOnlyMode.VARIABLE, "0")));
        assertTrue(LoopbackOnlyMode.active(Map.of(LoopbackOnlyMode.VARIABLE, "yes")));
    }
}
