package io.topictracker.engine.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.TopicId;
import io.topictracker.api.dht.Bep44;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reproduces every value of src/test/resources/vectors/derivation.json, computed independently of this code. */
class DerivationVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyVectorReproduces() throws IOException {
        String json = Files.readString(Path.of("src/test/resources/vectors/derivation.json"));
        var signing = new BouncyCastleEd25519Provider();
        TopicId topic = TopicId.fromName(field(json, "topic_name"));
        long minute = Long.parseLong(number(json, "unix_minute"));

        assertEquals(field(json, "topic_id"), topic.toString());
        assertEquals(field(json, "slot_seed"), HEX.formatHex(SlotDerivation.slotSeed(topic, minute)));
        var slot = SlotDerivation.slotKeyPair(signing, topic, minute);
        assertEquals(field(json, "slot_public_key"), HEX.formatHex(slot.publicKey()));
        byte[] salt = SlotDerivation.slotSalt(topic, minute);
        assertEquals(field(json, "slot_salt"), HEX.formatHex(salt));
        assertEquals(field(json, "bep44_target"), HEX.formatHex(Bep44.target(slot.publicKey(), salt)));
        byte[] initialHash = SlotDerivation.initialSecretHash(
                field(json, "initial_secret").getBytes(StandardCharsets.UTF_8));
        assertEquals(field(json, "initial_secret_hash"), HEX.formatHex(initialHash));
        byte[] rotated = SecretRotation.standard().derive(topic, minute, initialHash);
        assertEquals(field(json, "default_rotation_secret"), HEX.formatHex(rotated));
        assertEquals(field(json, "default_rotation_public_key"), HEX.formatHex(signing.fromSeed(rotated).publicKey()));
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("vector file lacks " + name);
        }
        return m.group(1);
    }

    private static String number(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("vector file lacks " + name);
        }
        return m.group(1);
    }
}
