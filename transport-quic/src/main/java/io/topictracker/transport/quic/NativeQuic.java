package io.topictracker.transport.quic;

import io.netty.handler.codec.quic.Quic;
import io.topictracker.api.Availability;

/** Whether Netty's native QUIC library (quiche + BoringSSL) loads in this process. Stateless and thread-safe. */
final class NativeQuic {
    private NativeQuic() {}

    /** @return available, or unavailable with the loader's cause (Netty caches the outcome); never null */
    static Availability availability() {
        try {
            return Quic.isAvailable() ? Availability.AVAILABLE : Availability.unavailable(Quic.unavailabilityCause());
        } catch (LinkageError e) {
            // The Netty QUIC classes themselves are missing or broken, not just the native part.
            return Availability.unavailable(e);
        }
    }
}
