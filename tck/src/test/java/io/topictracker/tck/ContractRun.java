package io.topictracker.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a contract fixture class through the JUnit launcher, as a build would, and keeps how each test ended: the
 * bite tests assert which checks fail a deliberately broken provider and what they say. Not thread-safe.
 *
 * @param results by test display name (e.g. {@code minSeqLeavesOutLowerSeqs()}); never null
 */
record ContractRun(Map<String, TestExecutionResult> results) {
    static ContractRun of(Class<?> fixture) {
        return run(List.of(selectClass(fixture)));
    }

    /** Runs only the named test methods (no arguments) of the fixture. */
    static ContractRun of(Class<?> fixture, Set<String> methods) {
        return run(methods.stream().map(method -> selectMethod(fixture, method.replace("()", ""))).toList());
    }

    private static ContractRun run(List<? extends DiscoverySelector> selectors) {
        Map<String, TestExecutionResult> results = new TreeMap<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                        if (test.isTest()) {
                            results.put(test.getDisplayName(), result);
                        }
                    }

                    @Override
                    public void executionSkipped(TestIdentifier test, String reason) {
                        throw new AssertionError(test.getDisplayName() + " was disabled: " + reason);
                    }
                });
        return new ContractRun(results);
    }

    /** @return the names of the tests with this status, sorted */
    java.util.Set<String> with(TestExecutionResult.Status status) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        results.forEach((name, result) -> {
            if (result.getStatus() == status) {
                names.add(name);
            }
        });
        return names;
    }

    /** @return the message of the test's failure or abort (with its suppressed failures), or "" */
    String message(String test) {
        TestExecutionResult result = results.get(test);
        if (result == null) {
            throw new AssertionError("no test " + test + " ran; ran " + results.keySet());
        }
        return result.getThrowable().map(ContractRun::describe).orElse("");
    }

    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure));
        for (Throwable suppressed : failure.getSuppressed()) {
            text.append("\n  suppressed: ").append(suppressed);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        results.forEach((name, result) -> text.append(name).append(": ").append(result.getStatus())
                .append(result.getThrowable().map(t -> " " + describe(t)).orElse("")).append('\n'));
        return text.toString();
    }
}
