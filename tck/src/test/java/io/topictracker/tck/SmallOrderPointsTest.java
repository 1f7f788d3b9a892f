package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SmallOrderPointsTest {
    @Test
    void everyListedCanonicalEncodingIsAPointWhoseOrderDividesEight() {
        for (byte[] encoding : SmallOrderPoints.CANONICAL) {
            assertTrue(SmallOrderPoints.orderDividesEight(encoding), HexFormat.of().formatHex(encoding));
        }
    }

    @Test
    void aPrimeOrderKeyIsNotOfSmallOrder() {
        assertFalse(SmallOrderPoints.orderDividesEight(Rfc8032Vectors.ALL.get(0).publicKey()));
    }

    @Test
    void anEncodingWithYNotBelowPIsNotDecoded() {
        assertThrows(IllegalArgumentException.class,
                () -> SmallOrderPoints.orderDividesEight(SmallOrderPoints.NON_CANONICAL.get(2)));
    }
}
