package io.topictracker.dht.mainline.node;

/** Short hex prefixes of targets and signatures for the slot diagnostics (debug logs only). Stateless. */
public final class SlotLog {
    private SlotLog() {}

    /** @return the first {@code bytes} bytes of {@code data} in hex ("-" for null) */
    public static String hex(byte[] data, int bytes) {
        if (data == null) {
            return "-";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(bytes, data.length); i++) {
            text.append(String.format("%02x", data[i]));
        }
        return text.toString();
    }
}
