package io.topictracker.tck;

import org.junit.jupiter.api.Nested;

/**
 * Every transport contract, behaviour by behaviour, as nested test classes: identity, framing, limits, concurrency,
 * close and writability. A provider's test extends this and returns its {@link TransportUnderTest}; it may add nested
 * classes of its own (another bind address, say) beside these.
 *
 * <p>JUnit runs the nested classes declared here for each subclass, with the subclass's instance as their enclosing
 * one, so each asks the subclass for the transport.
 */
public abstract class TransportContracts {
    /** @return the transport under test; the same instance on every call, never null */
    protected abstract TransportUnderTest transport();

    /** {@link TransportIdentityContract}. */
    @Nested
    public class Identity extends TransportIdentityContract {
        @Override
        protected TransportUnderTest transport() {
            return TransportContracts.this.transport();
        }
    }

    /** {@link TransportFramingContract}. */
    @Nested
    public class Framing extends TransportFramingContract {
        @Override
        protected TransportUnderTest transport() {
            return TransportContracts.this.transport();
        }
    }

    /** {@link TransportLimitsContract}. */
    @Nested
    public class Limits extends TransportLimitsContract {
        @Override
        protected TransportUnderTest transport() {
            return TransportContracts.this.transport();
        }
    }

    /** {@link TransportConcurrencyContract}. */
    @Nested
    public class Concurrency extends TransportConcurrencyContract {
        @Override
        protected TransportUnderTest transport() {
            return TransportContracts.this.transport();
        }
    }

    /** {@link TransportCloseContract}. */
    @Nested
    public class Close extends TransportCloseContract {
        @Override
        protected TransportUnderTest transport() {
            return TransportContracts.this.transport();
        }
    }

    /** {@link TransportWritabilityContract}. */
    @Nested
    public class Writability extends TransportWritabilityContract {
        @Override
        protected TransportUnderTest transport() {
            return TransportContracts.this.transport();
        }
    }
}
