package io.topictracker.dht.mainline.store;

import io.topictracker.dht.mainline.routing.NodeIds;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Write tokens (BEP5 get_peers/announce_peer, reused by BEP44 put): a token is a hash of the requester's IP with a
 * secret that changes every five minutes; a token from the previous secret is still accepted, so a token is good
 * for five to ten minutes (BEP5: "tokens up to ten minutes old are accepted").
 *
 * <p>Not thread-safe: confine to the node's event loop.
 */
public final class TokenIssuer {
    /** BEP5: the secret changes every five minutes. */
    public static final long ROTATE_MILLIS = 5 * 60_000L;
    private static final int TOKEN_LENGTH = 8;

    private final SecureRandom random = new SecureRandom();
    private byte[] current = newSecret();
    private byte[] previous = newSecret();
    private long rotatedAt;

    /** @param now the current time in milliseconds, from which rotation is counted */
    public TokenIssuer(long now) {
        rotatedAt = now;
    }

    /** @return a token for a requester at {@code ip} (4 or 16 bytes) */
    public byte[] issue(byte[] ip, long now) {
        rotate(now);
        return token(current, ip);
    }

    /** @return true if {@code token} was issued to {@code ip} under the current or previous secret */
    public boolean isValid(byte[] token, byte[] ip, long now) {
        rotate(now);
        return token != null && (MessageDigest.isEqual(token, token(current, ip))
                || MessageDigest.isEqual(token, token(previous, ip)));
    }

    private void rotate(long now) {
        if (now - rotatedAt >= 2 * ROTATE_MILLIS) {
            previous = newSecret(); // idle for two periods: every old token has expired
            current = newSecret();
            rotatedAt = now;
        } else if (now - rotatedAt >= ROTATE_MILLIS) {
            previous = current;
            current = newSecret();
            rotatedAt = now;
        }
    }

    private byte[] newSecret() {
        byte[] secret = new byte[20];
        random.nextBytes(secret);
        return secret;
    }

    private static byte[] token(byte[] secret, byte[] ip) {
        return Arrays.copyOf(NodeIds.sha1(secret, ip), TOKEN_LENGTH);
    }
}
