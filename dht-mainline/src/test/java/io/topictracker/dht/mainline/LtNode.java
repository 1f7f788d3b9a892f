package io.topictracker.dht.mainline;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the project's libtorrent driver, {@code src/test/python/lt_node.py} (libtorrent 2.0.8 via Debian's
 * python3-libtorrent), as a child process on 127.0.0.1. Every process started is destroyed by its handle; every
 * wait is bounded. Not thread-safe.
 */
final class LtNode implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";
    private final Process process;
    private final Path stderr;
    final int port;

    private LtNode(Process process, Path stderr, int port) {
        this.process = process;
        this.stderr = stderr;
        this.port = port;
    }

    /** The system property naming the driver script; the pom sets it to the module's src/test/python/lt_node.py. */
    static final String SCRIPT_PROPERTY = "lt.node.script";

    /** @return the lt_node.py driver, from {@link #SCRIPT_PROPERTY}; never null; fails when it is not a file */
    static Path script() {
        String configured = System.getProperty(SCRIPT_PROPERTY);
        if (configured == null || configured.isBlank()) {
            throw new AssertionError("system property " + SCRIPT_PROPERTY + " is not set (the dht-mainline pom sets"
                    + " it to src/test/python/lt_node.py; run the tests through Maven)");
        }
        Path script = Path.of(configured);
        if (!Files.isRegularFile(script)) {
            throw new AssertionError(SCRIPT_PROPERTY + " names no file: " + script.toAbsolutePath());
        }
        return script;
    }

    /** Fails (not skips) with what to install when libtorrent cannot be imported. */
    static void requireLibtorrent() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(PYTHON, "-c", "import libtorrent, cryptography").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(PYTHON + " is missing; install python3-libtorrent python3-cryptography", e);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("libtorrent is not importable by " + PYTHON + ": "
                        + new String(p.getInputStream().readNBytes(2000), StandardCharsets.UTF_8)
                        + "\ninstall it: apt-get install -y python3-libtorrent python3-cryptography");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    /** Ports {@link #freePortOn} tries before it gives up. */
    private static final int FREE_PORT_ATTEMPTS = 50;

    /** @return a port free right now on 127.0.0.1, for UDP and TCP */
    static int freePort() throws IOException {
        return freePortOn(InetAddress.getLoopbackAddress());
    }

    /** @return a port free right now on ::1, for UDP and TCP */
    static int freePort6() throws IOException {
        return freePortOn(InetAddress.getByName("::1"));
    }

    /**
     * A port free for UDP and for TCP on {@code host}: libtorrent listens on both with the one port, and a port taken
     * for TCP made {@code serve} quit with "listen failed" after its ready event (seen in CI), so the interop test
     * waited its whole minute for a node that was gone. Tries at most {@value #FREE_PORT_ATTEMPTS} ports.
     */
    private static int freePortOn(InetAddress host) throws IOException {
        for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, host);
                    ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, host)) {
                return udp.getLocalPort();
            } catch (BindException takenForTcp) {
                // the UDP port's TCP twin is in use: try another
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + host + " in " + FREE_PORT_ATTEMPTS + " tries");
    }

    /** Starts {@code serve} and waits (bounded) for its ready event. */
    static LtNode serve(int port, List<String> bootstrap, int seconds, Path dir) throws Exception {
        return serve(port, bootstrap, seconds, dir, false);
    }

    /** As above; with {@code ipv6} on [::1] (bootstrap entries then "[::1]:port"). */
    static LtNode serve(int port, List<String> bootstrap, int seconds, Path dir, boolean ipv6) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--port", Integer.toString(port), "--seconds",
                Integer.toString(seconds)));
        if (ipv6) {
            args.add("--ipv6");
        }
        for (String b : bootstrap) {
            args.add("--bootstrap");
            args.add(b);
        }
        Path err = dir.resolve("lt-serve-" + port + ".err");
        Process p = start(args, err, dir.resolve("lt-serve-" + port + ".out"));
        LtNode node = new LtNode(p, err, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!node.stderrText().contains("\"ready\"")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String text = node.stderrText();
                node.close();
                throw new AssertionError("lt_node serve did not get ready: " + text);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return node;
    }

    /** Runs a one-shot subcommand and returns its JSON line; fails on timeout. */
    static String run(Path dir, Duration timeout, String... args) throws Exception {
        Path err = Files.createTempFile(dir, "lt-cmd", ".err");
        Path out = Files.createTempFile(dir, "lt-cmd", ".out");
        Process p = start(List.of(args), err, out);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("lt_node " + args[0] + " did not finish in " + timeout + ": "
                        + Files.readString(err));
            }
            String json = Files.readString(out).trim();
            if (json.isEmpty()) {
                throw new AssertionError("lt_node " + args[0] + " printed nothing: " + Files.readString(err));
            }
            return json;
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process start(List<String> args, Path err, Path out) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script().toString()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
    }

    private String stderrText() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "";
        }
    }

    /** @return the string or number at {@code key} in a flat JSON line, or null */
    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}\\]]+)")
                .matcher(json);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1).trim();
    }

    /** @return the strings in the JSON list at {@code key} */
    static List<String> list(String json, String key) {
        // entries may hold brackets themselves ("[::1]:6881"): the list is a run of quoted strings
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": \\[((?:\"[^\"]*\"(?:, )?)*)\\]")
                .matcher(json);
        List<String> result = new ArrayList<>();
        if (m.find()) {
            Matcher item = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
            while (item.find()) {
                result.add(item.group(1));
            }
        }
        return result;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: lt_node stops its loop
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
