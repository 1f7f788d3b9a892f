package io.topictracker.engine.records;

import java.util.List;

/**
 * What one lookup of a minute's slot found: the other publishers' records (one each) and whether our own record was
 * among the values. The publish rate limit needs both: other records fill the slot, our own makes a put a refresh.
 *
 * @param others valid records of other publishers, the first seen of each; never null; copied
 * @param holdsOurs whether a value that opened as our own record was found
 */
public record SlotRecords(List<Record> others, boolean holdsOurs) {
    public SlotRecords {
        others = List.copyOf(others);
    }

    /**
     * @param others records of other publishers, not null
     * @return a lookup result that says nothing of our own record (a cache of records kept elsewhere); never null
     */
    public static SlotRecords ofOthers(List<Record> others) {
        return new SlotRecords(others, false);
    }
}
