package io.topictracker.cli.support;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import java.util.List;
import java.util.Objects;

/**
 * A peer named on the command line as {@code ID@ADDRESS}, e.g.
 * {@code 3b6a27bc...e5f8@tcp://127.0.0.1:4000}: the 64-hex-digit peer id, then where to dial it. This is exactly
 * what {@code chat} prints on its {@code self:} line. Immutable.
 *
 * @param id the peer, never null
 * @param address where it listens, never null
 */
public record PeerSpec(PeerId id, PeerAddress address) {
    public PeerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }

    /**
     * @param text {@code ID@ADDRESS}, not null
     * @return never null
     * @throws IllegalArgumentException saying which part is wrong and what is expected
     */
    public static PeerSpec parse(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException(quote(text) + " is not ID@ADDRESS, e.g. <64 hex digits>@tcp://127.0.0.1:4000");
        }
        PeerId id;
        try {
            id = PeerId.parse(text.substring(0, at));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(quote(text) + ": the ID before '@' must be 64 lowercase hex digits ("
                    + e.getMessage() + ")");
        }
        PeerAddress address;
        try {
            address = PeerAddress.parse(text.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(quote(text) + ": bad ADDRESS after '@': " + e.getMessage());
        }
        return new PeerSpec(id, address);
    }

    /** Quotes the text as picocli does, but only its start when it is long: a message is one short line. */
    private static String quote(String text) {
        return text.length() <= 120 ? "'" + text + "'" : "'" + text.substring(0, 120) + "…' (" + text.length()
                + " characters)";
    }

    /** @return the peer as membership messages carry it, never null */
    public PeerInfo toPeerInfo() {
        return new PeerInfo(id, List.of(address));
    }

    /** @return {@code ID@ADDRESS}, accepted by {@link #parse} */
    @Override
    public String toString() {
        return id + "@" + address;
    }
}
