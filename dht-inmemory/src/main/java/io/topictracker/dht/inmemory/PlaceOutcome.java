package io.topictracker.dht.inmemory;

/** What one storing place answered to a put. */
enum PlaceOutcome {
    /** Stored: the place was empty, held a lower seq, or held this very item. */
    STORED,
    /** Acknowledged but kept its own value: same seq, another value (the first value at a seq stays, as libtorrent). */
    KEPT,
    /** Refused: the place holds a higher seq (BEP44 302). */
    SEQ_TOO_OLD,
    /** Refused: compare-and-swap did not match the stored seq (BEP44 301). */
    CAS_MISMATCH
}
