package io.topictracker.engine.records;

import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;

/**
 * Everything derived for one topic and one minute: the slot's key pair and salt (where records live) and the AEAD
 * key that seals them (who can read them). Made by {@link TopicKeys#slot(long)}. Immutable; do not modify the
 * arrays.
 *
 * @param topic never null
 * @param unixMinute the minute
 * @param slotKeyPair the slot's shared Ed25519 key pair, never null
 * @param salt the 32-byte BEP44 salt, never null
 * @param sealKey the 32-byte ChaCha20-Poly1305 key, never null
 */
public record SlotKeys(TopicId topic, long unixMinute, SigningKeyPair slotKeyPair, byte[] salt, byte[] sealKey) {
    @Override
    public String toString() {
        return "SlotKeys[" + topic + " minute=" + unixMinute + "]";
    }
}
