/**
 * Abstract contract tests for providers ({@code SigningContract}; the DHT and transport contracts follow) and test
 * helpers: {@code Await} for bounded waits, {@code MutableClock} for virtual time.
 */
package io.topictracker.tck;
