/** Abstract contract tests for providers: {@code SigningContract}, {@code DhtContract}, {@code TransportContract}. */
package io.topictracker.tck;
