package io.topictracker.tck;

import io.topictracker.api.ConfigTable;
import io.topictracker.tck.FixtureDht.Fault;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The DHT contract against {@link FixtureDht}: correct, with one fault each, without slowDown, and with a setup that
 * fails. None of these names matches Surefire's test patterns (nested classes are not run by it): most are expected
 * to fail, and only {@link DhtContractBitesTest} runs them, through the launcher.
 */
final class DhtFixtures {
    private DhtFixtures() {}

    /** The fixture with the given faults; short waits, since the fixture answers at once. */
    abstract static class Fixture extends DhtContract {
        abstract Set<Fault> faults();

        boolean canSlowDown() {
            return true;
        }

        @Override
        protected Network newNetwork() {
            return new FixtureDht.Network(faults(), () -> context(ConfigTable.empty("dht.fixture")), canSlowDown());
        }

        @Override
        protected Duration operationTimeout() {
            return Duration.ofSeconds(5);
        }

        @Override
        protected Duration promptTimeout() {
            return Duration.ofSeconds(2);
        }
    }

    static class Correct extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.noneOf(Fault.class);
        }
    }

    static class CannotSlowDown extends Correct {
        @Override
        boolean canSlowDown() {
            return false;
        }
    }

    static class SetupFails extends Correct {
        @Override
        protected Network newNetwork() {
            throw new IllegalStateException("the test network could not be built");
        }
    }

    static class IgnoresMinSeq extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.IGNORES_MIN_SEQ);
        }
    }

    static class IgnoresCas extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.IGNORES_CAS);
        }
    }

    static class CasOnEmptySlotMismatches extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.CAS_ON_EMPTY_SLOT_MISMATCHES);
        }
    }

    static class ThreadInCreate extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.THREAD_IN_CREATE);
        }
    }

    static class SocketInCreate extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.SOCKET_IN_CREATE);
        }
    }

    static class ThreadLeftAfterClose extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.THREAD_LEFT_AFTER_CLOSE);
        }
    }

    static class SocketLeftAfterClose extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.SOCKET_LEFT_AFTER_CLOSE);
        }
    }

    static class SecondStartStartsAgain extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.SECOND_START_STARTS_AGAIN);
        }
    }

    static class SecondStartHangs extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.SECOND_START_HANGS);
        }
    }

    static class RacyPut extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.RACY_PUT);
        }
    }

    static class LookupIgnoresTimeout extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.LOOKUP_IGNORES_TIMEOUT);
        }
    }

    static class CloseLeavesCallsPending extends Fixture {
        @Override
        Set<Fault> faults() {
            return EnumSet.of(Fault.CLOSE_LEAVES_CALLS_PENDING);
        }
    }
}
