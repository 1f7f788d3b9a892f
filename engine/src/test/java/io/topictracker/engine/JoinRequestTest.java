package io.topictracker.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.engine.topic.JoinLog;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The public join sources mirror the internal log's one for one (Topic maps them by name). */
class JoinRequestTest {
    @Test
    void everyInternalSourceHasThePublicSourceOfTheSameName() {
        assertEquals(Arrays.stream(JoinLog.Source.values()).map(Enum::name).toList(),
                Arrays.stream(JoinRequest.Source.values()).map(Enum::name).toList());
        assertTrue(JoinRequest.Source.BUBBLE_MERGE.isMerge());
        assertTrue(JoinRequest.Source.MESSAGE_OVERLAP_MERGE.isMerge());
        assertTrue(JoinRequest.Source.CONNECT_REQUEST.isMerge());
        assertTrue(JoinRequest.Source.SPLIT_MERGE.isMerge());
        assertFalse(JoinRequest.Source.BOOTSTRAP.isMerge());
        assertFalse(JoinRequest.Source.APPLICATION.isMerge());
    }
}
