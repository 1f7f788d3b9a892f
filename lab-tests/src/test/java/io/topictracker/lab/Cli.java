package io.topictracker.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real command as the lab runs it: {@code java --module-path ... --module io.topictracker.cli/...Main}, as
 * {@code ./topic-tracker} does, and the few runs every scenario needs. Stateless.
 */
final class Cli {
    /** JVM start, DHT bootstrap and socket binds on a loaded 2-core machine. */
    static final Duration READY = Duration.ofSeconds(90);
    /** The test suite's loopback-only switch (see api's LoopbackOnlyMode), inherited by every lab process. */
    static final String LOOPBACK_ONLY = "TOPIC_TRACKER_DHT_LOOPBACK_ONLY";
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private Cli() {}

    /** @return the command line running {@code topic-tracker args...} */
    static List<String> command(String... args) {
        String modulePath;
        try {
            modulePath = Files.readString(Path.of(System.getProperty("lab.cliModulePathFile"))).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the cli's module path file (mvn builds it): " + e.getMessage(), e);
        }
        List<String> command = new ArrayList<>(List.of(JAVA));
        if (Boolean.getBoolean("lab.timeline")) {
            // diagnostics for measurements: the engine's join timeline (dials, membership messages) on stderr
            command.addAll(List.of("-Dorg.slf4j.simpleLogger.log.io.topictracker.timeline=debug",
                    "-Dorg.slf4j.simpleLogger.log.io.topictracker.engine.topic=debug",
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
        }
        String debug = System.getProperty("lab.debugLogger", "");
        if (!debug.isBlank()) {
            // diagnostics: one logger (and what is under it) at debug, e.g. -Dlab.debugLogger=io.topictracker.engine
            command.add("-Dorg.slf4j.simpleLogger.log." + debug.strip() + "=debug");
        }
        command.addAll(List.of("--module-path", modulePath,
                "--add-modules", "ALL-MODULE-PATH", "--module", "io.topictracker.cli/io.topictracker.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * @return {@code command} run without {@value #LOOPBACK_ONLY} in its environment ({@code env -u}, which execs it:
     *     the pid stays the command's), so its default binds are a user's: the wildcard, not 127.0.0.1
     */
    static List<String> asAUser(List<String> command) {
        List<String> full = new ArrayList<>(List.of("env", "-u", LOOPBACK_ONLY));
        full.addAll(command);
        return full;
    }

    /**
     * @return {@code command} (from {@link #command}, maybe wrapped by {@link #asAUser}) with {@code jvmOptions}
     *     given to its JVM (e.g. a smaller heap when a scenario runs many processes)
     */
    static List<String> withJvmOptions(List<String> command, List<String> jvmOptions) {
        int java = command.indexOf(JAVA);
        if (java < 0) {
            throw new IllegalArgumentException("not a command of ours: " + command);
        }
        List<String> full = new ArrayList<>(command.subList(0, java + 1));
        full.addAll(jvmOptions);
        full.addAll(command.subList(java + 1, command.size()));
        return full;
    }

    /** Starts {@code dht serve} on {@code host}'s address, port 6881, and waits for its ready line. */
    static LabProcess serveOn(NetLab lab, LabHost host) {
        return serveOn(lab, host, List.of());
    }

    /**
     * As {@link #serveOn(NetLab, LabHost)}, joining the DHT of the serve nodes at {@code bootstrap} ("ip:port"),
     * none: the first node of a DHT of its own.
     */
    static LabProcess serveOn(NetLab lab, LabHost host, List<String> bootstrap) {
        List<String> args = new ArrayList<>(List.of("dht", "serve", "--bind", host.ipv4(), "--port", "6881",
                "--seconds", "900", "--status-interval", "0"));
        for (String node : bootstrap) {
            args.addAll(List.of("--bootstrap", node));
        }
        LabProcess serve = lab.start(host, "serve-" + host.name(), command(args.toArray(String[]::new)));
        serve.awaitLine("the serve node's ready line", l -> l.startsWith("dht-node: " + host.ipv4() + ":6881 "),
                READY);
        return serve;
    }

    /** @return the short id (10 hex digits, as chat prints authors and neighbours) from a chat's self line */
    static String shortId(LabProcess chat) {
        return chat.awaitLine("the chat's self line", l -> l.startsWith("self: "), READY).substring(6, 16);
    }
}
