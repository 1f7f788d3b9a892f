/**
 * The signing provider {@code ed25519-bc}: Ed25519 (RFC 8032) on BouncyCastle, with strict verification (canonical
 * signatures and keys, small-order keys refused). A module of its own, as each SLF4J binding is: the engine finds it
 * through the signing SPI and never names it; nothing is exported.
 */
module io.topictracker.signing.bc {
    requires transitive io.topictracker.api;
    requires org.bouncycastle.provider;

    provides io.topictracker.api.signing.SigningProvider with io.topictracker.signing.bc.BouncyCastleEd25519Provider;
}
