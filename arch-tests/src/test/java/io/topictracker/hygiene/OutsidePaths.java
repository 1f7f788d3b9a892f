package io.topictracker.hygiene;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds paths outside the repository named in its sources and scripts: the shared folder beside the checkout, or an
 * absolute path under the machines' work or home folders. A build that reads such a path works on one machine and
 * fails on a fresh clone. Stateless and thread-safe.
 */
final class OutsidePaths {
    /** What points outside: the sibling "shared" folder, or an absolute path under /work, /home or /root. */
    private static final Pattern OUTSIDE = Pattern.compile(
            "\\.\\./shared\\b|(?<![\\w.~-])/(?:work|home|root)/[\\w.-]*");
    /** Scanned by name ending; documentation (*.md) may tell where things came from. */
    private static final List<String> SCANNED_ENDINGS = List.of(".java", ".py", ".sh", ".xml", ".toml",
            ".properties");
    /** Scripts without an extension. */
    private static final Set<String> SCANNED_FILES = Set.of("topic-tracker", ".ci/run");
    /** Jazzer's input folders, {@code src/test/resources/<package>/<Class>Inputs/}. */
    private static final java.util.regex.Pattern FUZZ_INPUTS =
            java.util.regex.Pattern.compile("(^|/)src/test/resources/.*Inputs/");
    private static final Set<String> NOT_SOURCES = Set.of("target", ".git", "node_modules", ".idea");

    /** One offending line: {@code path:line: text}. */
    record Finding(String path, int line, String match) {
        @Override
        public String toString() {
            return path + ":" + line + ": names a path outside the repository: " + match;
        }
    }

    private OutsidePaths() {}

    /**
     * @param path the file's path, for the findings only, not null
     * @param text the file's content, not null
     * @return each match, with its 1-based line number, in order; empty if none
     */
    static List<Finding> findIn(String path, String text) {
        List<Finding> findings = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = OUTSIDE.matcher(lines[i]);
            while (m.find()) {
                findings.add(new Finding(path, i + 1, m.group()));
            }
        }
        return findings;
    }

    /** @return whether a repository-relative path ('/'-separated) is a source or script this check reads */
    static boolean scanned(String relativePath) {
        if (FUZZ_INPUTS.matcher(relativePath).find()) {
            return false; // a fuzz target's inputs are data (often not even UTF-8), whatever their name ends with
        }
        return SCANNED_FILES.contains(relativePath) || SCANNED_ENDINGS.stream().anyMatch(relativePath::endsWith);
    }

    /** @return every finding in the scanned files under {@code root}; empty if none */
    static List<Finding> scan(Path root) throws IOException {
        List<Finding> findings = new ArrayList<>();
        for (String file : sourceFiles(root)) {
            if (scanned(file)) {
                Path path = root.resolve(file);
                if (Files.isRegularFile(path)) {
                    findings.addAll(findIn(file, Files.readString(path, StandardCharsets.UTF_8)));
                }
            }
        }
        return findings;
    }

    /** The files git tracks; without git (a source archive), every file outside build and tool folders. */
    private static List<String> sourceFiles(Path root) throws IOException {
        List<String> tracked = gitLsFiles(root);
        if (tracked != null) {
            return tracked;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> Stream.of(p.split("/")).noneMatch(NOT_SOURCES::contains))
                    .toList();
        }
    }

    /** @return the tracked files, or null when git or the repository is not there */
    private static List<String> gitLsFiles(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = git.getInputStream().readAllBytes();
            if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
                git.destroyForcibly();
                return null;
            }
            return List.of(new String(out, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
