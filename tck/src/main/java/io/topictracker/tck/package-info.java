/**
 * Abstract contract tests for providers, and the helpers they use. A provider's tests need only this module and
 * {@code topic-tracker-api}, on the module path or the class path; {@code docs/writing-a-provider.md} walks through
 * it with an example provider.
 *
 * <ul>
 *   <li>Signing: {@link io.topictracker.tck.SigningContract} (RFC 8032 vectors, strict verification).</li>
 *   <li>DHT: {@link io.topictracker.tck.DhtContract} (BEP44 items, seq, cas and minSeq, lookups, lifecycle,
 *       threads and sockets left behind), over a {@link io.topictracker.tck.DhtContract.Network} the provider's
 *       test builds.</li>
 *   <li>Transport: one contract per behaviour, each extended by a provider's test with the same
 *       {@link io.topictracker.tck.TransportUnderTest}: {@link io.topictracker.tck.TransportIdentityContract},
 *       {@link io.topictracker.tck.TransportFramingContract}, {@link io.topictracker.tck.TransportLimitsContract},
 *       {@link io.topictracker.tck.TransportConcurrencyContract}, {@link io.topictracker.tck.TransportCloseContract}
 *       and {@link io.topictracker.tck.TransportWritabilityContract}.</li>
 *   <li>Helpers: {@link io.topictracker.tck.TestSigning} (a strict Ed25519 signing provider on the JDK, for test
 *       keys and items), {@link io.topictracker.tck.Await} for bounded waits, {@link io.topictracker.tck.MutableClock}
 *       for virtual time.</li>
 * </ul>
 */
package io.topictracker.tck;
