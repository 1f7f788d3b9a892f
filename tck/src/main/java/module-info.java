/**
 * The technology compatibility kit: abstract JUnit 5 contract tests. A provider's test class extends the contract
 * for its SPI and supplies the provider; third-party providers run the same tests.
 */
module io.topictracker.tck {
    requires transitive io.topictracker.api;
    requires transitive org.junit.jupiter.api;

    exports io.topictracker.tck;
}
